"""The rasa-sdk action server: thin actions, one module per concern."""
