"""The safety rule layer: :mod:`.matching` reads ``content/safety_rules.yml`` and runs its rules
on a message."""
