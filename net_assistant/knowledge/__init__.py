"""What the assistant may say: the sources and the verbatim passages traced to them
(:mod:`.sources`), the terminology, reading a question (:mod:`.questions`), ranking and composing
answers (:mod:`.answers`) and citing them (:mod:`.citations`)."""
