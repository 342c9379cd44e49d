"""The NET treatment information assistant: logic importable without a running Rasa."""
