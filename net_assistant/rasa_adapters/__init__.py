"""Everything that imports Rasa, rasa_sdk or Sanic: the custom NLU components, the channels,
the action server's hardening and Rasa's fixes and speed-ups. The domain packages (content,
knowledge, safety, support) never import this package (tests/test_import_direction.py)."""
