"""Feedback on answers, run as the action server runs it: the answer action's real reply in the
tracker, then the feedback actions on a real rasa_sdk Tracker."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import ActionFeedback, ActionNoteMissingInfo
from actions.treatments import ActionAnswerTreatment
from tests.conftest import DOMAIN

RESPONSES = DOMAIN["responses"]


def user(text: str, intent: str, ranking: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": [],
                  "intent_ranking": ranking or [{"name": intent, "confidence": 1.0}]}
    return {"event": "user", "text": text, "parse_data": parse_data, "timestamp": 100.0}


def bot_events(messages: List[Dict[str, Any]], timestamp: float) -> List[Dict[str, Any]]:
    """The dispatcher's messages as Rasa stores them (the metadata under data.custom)."""
    return [{"event": "bot", "text": m.get("text"), "timestamp": timestamp,
             "data": {"custom": m.get("custom"), "buttons": m.get("buttons")}} for m in messages]


def run(action: Any, events: List[Dict[str, Any]], slots: Optional[Dict[str, Any]] = None,
        active_loop: Optional[str] = None) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    latest = next(e for e in reversed(events) if e["event"] == "user")
    tracker = Tracker("patient", {"disclaimer_shown": True, **(slots or {})},
                      latest["parse_data"], events, False, None,
                      {"name": active_loop} if active_loop else {}, "action_listen")
    dispatcher = CollectingDispatcher()
    result = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, {e["name"]: e["value"] for e in result if e["event"] == "slot"}


def answered(*questions: Tuple[str, str]) -> List[Dict[str, Any]]:
    """A conversation in which the real answer action answered each (text, intent)."""
    events: List[Dict[str, Any]] = []
    for number, (text, intent) in enumerate(questions):
        events.append(user(text, intent))
        messages, _ = run(ActionAnswerTreatment(), events)
        events += bot_events(messages, timestamp=1000.0 + number)
    return events


def test_helpful_is_thanked_and_names_the_latest_answer():
    events = answered(("how is surgery done?", "ask_surgery"), ("what is PRRT?", "ask_prrt"))
    prrt = events[-1]["data"]["custom"]
    messages, slots = run(ActionFeedback(), events + [user("/feedback_helpful", "feedback_helpful")])
    [reply] = messages
    assert reply["response"] == "utter_feedback_thanks"
    meta = reply["custom"]
    assert meta["kind"] == "feedback" and meta["verdict"] == "helpful"
    assert (meta["topic"], meta["aspect"], meta["sources"], meta["passages"]) == (
        "prrt", prrt["aspect"], prrt["sources"], prrt["passages"])
    assert meta["passages"] and meta["answered_at"] == 1001.0
    assert slots == {}


def test_not_helpful_asks_what_was_missing_for_one_message():
    events = answered(("how is lanreotide given?", "ask_somatostatin_analogues"))
    messages, slots = run(ActionFeedback(),
                          events + [user("/feedback_not_helpful", "feedback_not_helpful")])
    [reply] = messages
    assert reply["response"] == "utter_feedback_ask_missing"
    assert reply["custom"]["verdict"] == "not_helpful"
    assert reply["custom"]["topic"] == "somatostatin_analogues"
    assert slots == {"missing_info_requested": True}


def test_while_the_country_question_is_open_not_helpful_asks_nothing_more():
    events = answered(("what is PRRT?", "ask_prrt"))
    messages, slots = run(ActionFeedback(),
                          events + [user("/feedback_not_helpful", "feedback_not_helpful")],
                          active_loop="country_form")
    assert [m["response"] for m in messages] == ["utter_feedback_thanks"]
    assert slots == {}


def test_a_rating_before_any_answer_is_small_talk():
    messages, _ = run(ActionFeedback(), [user("/feedback_helpful", "feedback_helpful")])
    assert [m["response"] for m in messages] == ["utter_you_are_welcome"]
    messages, _ = run(ActionFeedback(), [user("/feedback_not_helpful", "feedback_not_helpful")])
    assert [m["response"] for m in messages] == ["utter_how_can_i_help"]


def test_the_note_is_thanked_tagged_and_closes_the_question():
    events = answered(("what is PRRT?", "ask_prrt"))
    events.append(user("/feedback_not_helpful", "feedback_not_helpful"))
    events.append(user("it didn't say how long it takes", "out_of_scope"))
    messages, slots = run(ActionNoteMissingInfo(), events, {"missing_info_requested": True})
    [reply] = messages
    assert reply["response"] == "utter_feedback_note_thanks"
    assert reply["custom"]["missing_info"] is True and reply["custom"]["topic"] == "prrt"
    assert slots == {"missing_info_requested": False}


def test_a_note_that_might_be_an_emergency_says_what_to_do_first():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "out_of_scope", "confidence": 0.3},
               {"name": "emergency", "confidence": 0.2}]
    events = answered(("what is PRRT?", "ask_prrt")) + [
        user("/feedback_not_helpful", "feedback_not_helpful"),
        user("it didnt say what to do if i feel faint", "nlu_fallback", ranking)]
    messages, _ = run(ActionNoteMissingInfo(), events, {"missing_info_requested": True})
    assert [m["response"] for m in messages] == ["utter_emergency_if_urgent",
                                                  "utter_feedback_note_thanks"]


def test_a_follow_up_that_asks_nothing_specific_is_the_note():
    """ "too vague, I wanted more detail" reads as a follow-up, but asks about no aspect and
    names no treatment: after "not helpful" it says what was missing."""
    events = answered(("what is PRRT?", "ask_prrt"))
    events.append(user("/feedback_not_helpful", "feedback_not_helpful"))
    events.append(user("too vague, I wanted more detail", "ask_followup"))
    messages, slots = run(ActionAnswerTreatment(), events,
                          {"missing_info_requested": True, "topic": "prrt"})
    [reply] = messages
    assert reply["response"] == "utter_feedback_note_thanks"
    assert reply["custom"]["missing_info"] is True and reply["custom"]["topic"] == "prrt"
    assert slots == {"missing_info_requested": False}


def test_a_follow_up_that_asks_about_an_aspect_is_answered_after_not_helpful():
    events = answered(("what is PRRT?", "ask_prrt"))
    events.append(user("/feedback_not_helpful", "feedback_not_helpful"))
    question = user("and how is it given?", "ask_followup")
    question["parse_data"]["entities"] = [{"entity": "aspect", "value": "given"}]
    messages, _ = run(ActionAnswerTreatment(), events + [question],
                      {"missing_info_requested": True, "topic": "prrt"})
    assert messages[-1]["custom"]["kind"] == "answer"
    assert messages[-1]["custom"]["aspect"] == "how_given"
