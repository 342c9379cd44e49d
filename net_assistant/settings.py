"""Deployment settings read from the environment (README, "Hardening / production checklist").

Each has a safe default, so plain ``rasa run`` and ``make run`` are hardened without any set.
A bad value stops the server at start with a message naming the variable: a typo must not
silently open what the setting closes.
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

from net_assistant.limits import MAX_MESSAGE_CHARS

MAX_MESSAGE_CHARS_VARIABLE = "NET_MAX_MESSAGE_CHARS"
MAX_REQUEST_BYTES_VARIABLE = "NET_MAX_REQUEST_BYTES"
REPLY_TIMEOUT_VARIABLE = "NET_REPLY_TIMEOUT_SECONDS"
CORS_ORIGINS_VARIABLE = "NET_CORS_ORIGINS"
SESSION_SECRET_VARIABLE = "NET_SESSION_SECRET"
# The shared secret the Rasa server sends to the action server with every request (the
# `token` query parameter of Rasa's action endpoint); the action server refuses requests
# without it. `make run` makes one per run when it is not set.
ACTION_TOKEN_VARIABLE = "NET_ACTION_TOKEN"
ACTION_TOKEN_PARAMETER = "token"
LOG_MESSAGE_TEXT_VARIABLE = "NET_LOG_MESSAGE_TEXT"
WEB_PORT_VARIABLE = "WEB_PORT"
TRACKER_SYNCHRONOUS_VARIABLE = "NET_TRACKER_SYNCHRONOUS"
TRACKER_CACHE_VARIABLE = "NET_TRACKER_CACHE"
DEFAULT_TRACKER_CACHE = 500
TRACKER_SYNCHRONOUS_LEVELS = ("NORMAL", "FULL")

DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024  # REST only: Socket.IO frames, see limits.py
# Longer than a burst of questions takes to clear on a small machine (200 at once on 2 cores),
# far shorter than Rasa's own 5 minutes for an action.
DEFAULT_REPLY_TIMEOUT_SECONDS = 45.0
DEFAULT_WEB_PORT = 8080
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?")


class SettingError(ValueError):
    """An environment variable has a value the assistant cannot run safely with."""


@dataclass(frozen=True)
class Settings:
    """What bounds and protects the channels."""

    max_message_chars: int
    max_request_bytes: int
    reply_timeout_seconds: float
    cors_origins: Tuple[str, ...]
    session_secret: bytes
    log_message_text: bool
    tracker_synchronous: str = "NORMAL"

    @classmethod
    def from_environment(cls, env: Optional[Mapping[str, str]] = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            max_message_chars=_integer(env, MAX_MESSAGE_CHARS_VARIABLE, MAX_MESSAGE_CHARS,
                                       1, MAX_MESSAGE_CHARS),
            max_request_bytes=_integer(env, MAX_REQUEST_BYTES_VARIABLE,
                                       DEFAULT_MAX_REQUEST_BYTES, 1024, 16 * 1024 * 1024),
            reply_timeout_seconds=float(_integer(env, REPLY_TIMEOUT_VARIABLE,
                                                 int(DEFAULT_REPLY_TIMEOUT_SECONDS), 1, 3600)),
            cors_origins=cors_origins(env),
            session_secret=_secret(env),
            log_message_text=env.get(LOG_MESSAGE_TEXT_VARIABLE, "0") == "1",
            tracker_synchronous=tracker_synchronous(env),
        )


def default_cors_origins(web_port: int) -> Tuple[str, ...]:
    """The demo page as ``make run`` serves it."""
    return (f"http://localhost:{web_port}", f"http://127.0.0.1:{web_port}")


def cors_origins(env: Mapping[str, str]) -> Tuple[str, ...]:
    """NET_CORS_ORIGINS (comma- or space-separated; empty: no other origin), or the demo page's
    origins on WEB_PORT. Wildcards are refused: any site could then talk in a user's name."""
    if CORS_ORIGINS_VARIABLE not in env:
        return default_cors_origins(_integer(env, WEB_PORT_VARIABLE, DEFAULT_WEB_PORT, 1, 65535))
    origins = tuple(o.rstrip("/") for o in re.split(r"[\s,]+", env[CORS_ORIGINS_VARIABLE]) if o)
    bad = [origin for origin in origins if not _ORIGIN.fullmatch(origin)]
    if bad:
        raise SettingError(f"{CORS_ORIGINS_VARIABLE}: {bad} are not origins like "
                           "https://www.example.org (no paths, no wildcards)")
    return origins


def tracker_synchronous(env: Mapping[str, str]) -> str:
    """NET_TRACKER_SYNCHRONOUS: NORMAL (default: a commit does not wait for the disk; a power
    cut may lose the last turns, never the database) or FULL (every commit waits for it)."""
    value = env.get(TRACKER_SYNCHRONOUS_VARIABLE) or TRACKER_SYNCHRONOUS_LEVELS[0]
    if value.upper() not in TRACKER_SYNCHRONOUS_LEVELS:
        raise SettingError(f"{TRACKER_SYNCHRONOUS_VARIABLE} must be one of "
                           f"{', '.join(TRACKER_SYNCHRONOUS_LEVELS)}, got {value!r}")
    return value.upper()


def tracker_cache_size(env: Mapping[str, str]) -> int:
    """NET_TRACKER_CACHE: how many conversations the tracker store keeps loaded (0: none)."""
    return _integer(env, TRACKER_CACHE_VARIABLE, DEFAULT_TRACKER_CACHE, 0, 100_000)


def _integer(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SettingError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return int(raw)


def _secret(env: Mapping[str, str]) -> bytes:
    """NET_SESSION_SECRET, or one made now: then sessions last until the server restarts."""
    raw = env.get(SESSION_SECRET_VARIABLE)
    if not raw:
        return secrets.token_bytes(32)
    if len(raw) < 32:
        raise SettingError(f"{SESSION_SECRET_VARIABLE} must be at least 32 characters")
    return raw.encode()
