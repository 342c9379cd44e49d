"""Handing people on: the languages the assistant recognises, the support directory with its
countries (:mod:`.directory`) and how the directory's entries are shown (:mod:`.rendering`)."""
