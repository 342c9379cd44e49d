"""Feedback on answers over the REST channel, against the real Rasa and action servers, and what
the tracker store keeps of it."""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Dict, List, Tuple

import pytest

from tests.conftest import DOMAIN, Chat

pytestmark = pytest.mark.slow

HELPFUL = {"title": "Helpful", "payload": "/feedback_helpful"}
NOT_HELPFUL = {"title": "Not helpful", "payload": "/feedback_not_helpful"}
# A note on what was missing that is no question (out of scope or not understood).
NOTE = "too vague, I wanted more detail"


def text_of(name: str) -> str:
    return DOMAIN["responses"][name][0]["text"]


def stored(assistant: Any, sender: str) -> List[Tuple[str, Dict[str, Any]]]:
    """The sender's user and bot events as the tracker store keeps them."""
    with sqlite3.connect(assistant.tracker_db) as db:
        rows = db.execute("SELECT type_name, data FROM events WHERE sender_id = ? AND type_name "
                          "IN ('user', 'bot') ORDER BY id", (sender,)).fetchall()
    return [(kind, json.loads(data)) for kind, data in rows]


def custom(event: Dict[str, Any]) -> Dict[str, Any]:
    return (event.get("data") or {}).get("custom") or {}


def not_helpful_after_an_answer(chat: Chat) -> Dict[str, Any]:
    answer = chat.send("how is lanreotide given?")
    assert answer.last("kind") == "answer"
    asked = chat.send(NOT_HELPFUL["payload"])
    assert asked.text == text_of("utter_feedback_ask_missing")
    return answer.metadata[-1]


def test_an_answer_offers_helpful_and_not_helpful_beside_its_aspects(chat):
    turn = chat.send("what is PRRT?")
    assert turn.last("kind") == "answer"
    assert turn.buttons[-2:] == [HELPFUL, NOT_HELPFUL]
    aspects = turn.buttons[:-2]
    assert aspects and all(b["payload"].startswith('/ask_followup{"treatment": "prrt"')
                           for b in aspects)
    assert turn.last("feedback") == {"question": text_of("utter_feedback_question"),
                                     "payloads": ["/feedback_helpful", "/feedback_not_helpful"]}
    # nothing but answers offers them
    assert "/feedback_helpful" not in [b["payload"] for b in chat.send("hello").buttons]


def test_a_click_is_stored_as_the_intent_then_a_reply_naming_the_answer(chat, assistant):
    answer = chat.send("what is PRRT?").metadata[-1]
    thanks = chat.send(HELPFUL["payload"])
    assert thanks.text == text_of("utter_feedback_thanks") and thanks.kinds == ["feedback"]

    events = stored(assistant, chat.sender)
    (user_kind, click), (bot_kind, reply) = events[-2:]
    assert (user_kind, bot_kind) == ("user", "bot")
    assert click["parse_data"]["intent"]["name"] == "feedback_helpful"
    rated = custom(reply)
    assert rated["verdict"] == "helpful"
    assert {key: rated[key] for key in ("topic", "aspect", "sources", "passages")} == {
        key: answer[key] for key in ("topic", "aspect", "sources", "passages")}
    answer_event = next(e for kind, e in reversed(events) if custom(e).get("kind") == "answer")
    assert rated["answered_at"] == answer_event["timestamp"]


def test_not_helpful_then_a_note_on_what_was_missing(chat, assistant):
    answer = not_helpful_after_an_answer(chat)
    noted = chat.send(NOTE)
    assert noted.texts[-1] == text_of("utter_feedback_note_thanks")
    # Before the thanks, at most what any unclear message gets when an emergency is among its
    # likeliest readings (actions/feedback.py), which depends on the trained model.
    assert set(noted.texts[:-1]) <= {text_of("utter_emergency_if_urgent")}
    assert noted.last("missing_info") is True and noted.last("topic") == answer["topic"]
    events = stored(assistant, chat.sender)
    user_event = next(e for kind, e in reversed(events) if kind == "user")
    reply = events[-1][1]  # the thanks, after the emergency line this model may send first
    assert user_event["text"] == NOTE and custom(reply)["missing_info"] is True
    # The question was for one message: the same words later are not a note.
    later = chat.send(NOTE)
    assert later.last("kind") in ("answer", "fallback") and not later.metadata[-1].get("missing_info")


@pytest.mark.parametrize("message,kind", [
    ("I have crushing chest pain and can't breathe", "emergency"),
    ("should I stop my lanreotide?", "escalation"),
    ("what is PRRT?", "answer"),
    ("are there support groups in Ireland?", "support"),
])
def test_after_not_helpful_a_new_request_is_handled_as_itself(chat, message, kind):
    not_helpful_after_an_answer(chat)
    turn = chat.send(message)
    assert turn.last("kind") == kind, turn.messages
    assert not [meta for meta in turn.metadata if meta.get("missing_info")]
    if kind == "emergency":
        assert turn.kinds == ["emergency"]  # nothing but the call for help


def test_feedback_while_the_country_question_is_open_asks_the_country_again(chat):
    assert "Which country" in chat.send("are there any support groups?").text
    assert chat.send("what is PRRT?").last("kind") == "support"  # answered, then asked again
    turn = chat.send(NOT_HELPFUL["payload"])
    assert turn.kinds[0] == "feedback" and text_of("utter_feedback_thanks") in turn.text
    assert "Which country" in turn.text
    assert chat.send("Ireland").last("kind") == "support"
