"""Socket.IO session ids only the server can make; REST senders from a safe pattern."""
from __future__ import annotations

import pytest

from net_assistant.sessions import SOCKETIO_PREFIX, SessionIds, is_valid_rest_sender


def test_an_issued_id_is_verified_and_is_unguessable() -> None:
    ids = SessionIds(b"k" * 32)
    issued = {ids.issue() for _ in range(100)}
    assert len(issued) == 100
    assert all(ids.verified(session_id) == session_id for session_id in issued)


@pytest.mark.parametrize("forged", [None, 42, "", "default", "0" * 32, "a" * 32 + "." + "0" * 64,
                                    ["x"], {"session_id": "x"}])
def test_forged_ids_are_refused(forged: object) -> None:
    assert SessionIds(b"k" * 32).verified(forged) is None


def test_an_id_from_another_secret_or_tampered_with_is_refused() -> None:
    issued = SessionIds(b"k" * 32).issue()
    assert SessionIds(b"j" * 32).verified(issued) is None
    token, signature = issued.split(".")
    flipped = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert SessionIds(b"k" * 32).verified(f"{flipped}.{signature}") is None


def test_socketio_conversations_live_where_no_rest_sender_can_reach() -> None:
    tracker_id = SessionIds.tracker_id(SessionIds(b"k" * 32).issue())
    assert tracker_id.startswith(SOCKETIO_PREFIX) and not is_valid_rest_sender(tracker_id)
    assert "." not in tracker_id  # the signature is the client's proof, not stored


@pytest.mark.parametrize("sender, valid", [
    ("anna", True), ("3f2b9c-uuid_like.id", True), ("a" * 64, True), ("a" * 65, False),
    ("", False), (None, False), (7, False), ("default x", False), ("socketio:abc", False),
    ("../etc", False), ("a..b", True), ("é", False), ("a\nb", False), ("a\ud800", False),
])
def test_rest_senders(sender: object, valid: bool) -> None:
    assert is_valid_rest_sender(sender) is valid
