"""The rasa-sdk action server: thin actions, one module per concern.

Importing the package hardens the action server rasa_sdk is starting, so plain ``rasa run actions``
checks NET_ACTION_TOKEN too (net_assistant.rasa_adapters.action_server.harden_rasa_sdk_app)."""
from net_assistant.rasa_adapters.action_server import harden_rasa_sdk_app

harden_rasa_sdk_app()
