"""The safety rule layer, in three steps: :mod:`.normalising` irons out what patients type,
:mod:`.rules` reads and checks ``content/safety_rules.yml``, :mod:`.matching` runs the rules on
a message (spaCy's Matcher) and says whether it is an emergency, personal or a hand-off."""
