"""Deployment settings from the environment: safe defaults, bad values refused by name."""
from __future__ import annotations

import pytest

from net_assistant.limits import MAX_MESSAGE_CHARS
from net_assistant.settings import SettingError, Settings


def test_defaults_are_the_safe_ones() -> None:
    settings = Settings.from_environment({})
    assert settings.max_message_chars == MAX_MESSAGE_CHARS
    assert settings.cors_origins == ("http://localhost:8080", "http://127.0.0.1:8080")
    assert not settings.log_message_text and len(settings.session_secret) >= 32
    assert Settings.from_environment({}).session_secret != settings.session_secret


def test_values_from_the_environment() -> None:
    settings = Settings.from_environment({
        "NET_MAX_MESSAGE_CHARS": "500", "NET_CORS_ORIGINS": "https://a.example, https://b.example:8443/",
        "NET_SESSION_SECRET": "s" * 40, "NET_LOG_MESSAGE_TEXT": "1", "NET_REPLY_TIMEOUT_SECONDS": "9",
    })
    assert settings.max_message_chars == 500 and settings.reply_timeout_seconds == 9
    assert settings.cors_origins == ("https://a.example", "https://b.example:8443")
    assert settings.session_secret == b"s" * 40 and settings.log_message_text


def test_the_demo_origin_follows_the_web_port_and_empty_allows_none() -> None:
    assert Settings.from_environment({"WEB_PORT": "9000"}).cors_origins[0] == \
        "http://localhost:9000"
    assert Settings.from_environment({"NET_CORS_ORIGINS": ""}).cors_origins == ()


@pytest.mark.parametrize("variable, value", [
    ("NET_MAX_MESSAGE_CHARS", str(MAX_MESSAGE_CHARS + 1)),  # the NLU would not read it all
    ("NET_MAX_MESSAGE_CHARS", "0"), ("NET_MAX_MESSAGE_CHARS", "lots"),
    ("NET_CORS_ORIGINS", "*"), ("NET_CORS_ORIGINS", "https://a.example/path"),
    ("NET_SESSION_SECRET", "short"), ("NET_REPLY_TIMEOUT_SECONDS", "-1"),
])
def test_bad_values_are_refused_by_name(variable: str, value: str) -> None:
    with pytest.raises(SettingError, match=variable):
        Settings.from_environment({variable: value})
