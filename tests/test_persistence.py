"""Conversations live in the SQLite tracker store and survive a restart of the Rasa server."""
import sqlite3

import pytest

pytestmark = pytest.mark.slow


def test_a_restart_keeps_the_conversation_context(assistant, chat):
    assert chat.send("tell me about chemotherapy").last("topic") == "chemotherapy"

    assistant.restart_rasa()

    follow_up = chat.send("and how is it given?")
    assert (follow_up.last("topic"), follow_up.last("aspect")) == ("chemotherapy", "how_given")
    assert "can't give medical advice" not in follow_up.text  # same session, no new disclaimer


def test_conversations_are_written_to_the_sqlite_file(assistant, chat):
    chat.send("hello")
    with sqlite3.connect(assistant.tracker_db) as db:
        senders = {row[0] for row in db.execute("SELECT sender_id FROM events")}
    assert chat.sender in senders
