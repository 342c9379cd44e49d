"""The content files under ``content/``: how they are read (:mod:`.loading`) and the declared
structure of each file the assistant answers from (one schema module per file). Nothing here
knows what the content means; the domain packages (knowledge, safety, support) turn the parsed
files into what the assistant uses, checking what a schema cannot say."""
