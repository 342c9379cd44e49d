"""Conversation ids the server issues to Socket.IO clients, and which clients may use them.

A Socket.IO session id is ``<random>.<signature>``: 128 random bits, signed with HMAC-SHA256
under a server secret. Only the server can make one, so a client that presents a valid id got
it from the server (a reconnect or reload of the same widget) and one that presents anything
else gets a new conversation. REST senders are the client's own choice, checked against a safe
pattern; the two channels' conversations live under different tracker ids (``tracker_id``), so
neither can reach the other's.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any, Optional

REST_SENDER = re.compile(r"[A-Za-z0-9._-]{1,64}")
SOCKETIO_PREFIX = "socketio:"  # a colon never passes REST_SENDER
SESSION_ID = re.compile(r"(?P<token>[0-9a-f]{32})\.(?P<signature>[0-9a-f]{64})")


def is_valid_rest_sender(sender: Any) -> bool:
    return isinstance(sender, str) and REST_SENDER.fullmatch(sender) is not None


class SessionIds:
    """Issues and verifies signed Socket.IO session ids."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def issue(self) -> str:
        token = secrets.token_hex(16)
        return f"{token}.{self._sign(token)}"

    def verified(self, session_id: Any) -> Optional[str]:
        """``session_id`` if this server issued it, else None."""
        match = SESSION_ID.fullmatch(session_id) if isinstance(session_id, str) else None
        if match is None or not hmac.compare_digest(self._sign(match["token"]),
                                                    match["signature"]):
            return None
        return session_id

    @staticmethod
    def tracker_id(session_id: str) -> str:
        """The conversation's tracker id (and Socket.IO room): the random part, namespaced."""
        return SOCKETIO_PREFIX + session_id.split(".", 1)[0]

    def _sign(self, token: str) -> str:
        return hmac.new(self._secret, token.encode(), hashlib.sha256).hexdigest()
