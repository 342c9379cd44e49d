"""The turn protocol holds for every reply action the action server registers."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from tests.conftest import DOMAIN

# The emergency action says nothing but the call for help; the form's validation says nothing
# of its own before the reply it validates.
NOT_REPLIES = {"action_emergency", "validate_country_form"}
INTENT_FOR = {"action_answer_treatment": "ask_prrt", "action_escalate_to_doctor": "ask_prrt"}


def registered_replies() -> Dict[str, Any]:
    executor = ActionExecutor()
    executor.register_package("actions")
    return {name: action for name, action in executor.actions.items() if name not in NOT_REPLIES}


def run(name: str, slots: Dict[str, Any]) -> tuple:
    intent = INTENT_FOR.get(name, "greet")
    parse_data = {"text": "what is prrt", "intent": {"name": intent, "confidence": 0.9},
                  "entities": [], "intent_ranking": [{"name": intent, "confidence": 0.9}]}
    tracker = Tracker("patient", slots, parse_data,
                      [{"event": "user", "text": "what is prrt", "parse_data": parse_data}],
                      False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(registered_replies()[name](dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def responses(messages: List[Dict[str, Any]]) -> List[str]:
    return [message.get("response") for message in messages]


def test_every_action_the_domain_lists_is_registered() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(DOMAIN["actions"]) <= set(executor.actions)


@pytest.mark.parametrize("name", sorted(registered_replies()))
def test_the_first_reply_after_an_emergency_brings_the_disclaimer_and_the_reminder(
        name: str) -> None:
    messages, events = run(name, {"disclaimer_shown": False, "emergency_raised": True})
    assert responses(messages)[:2] == ["utter_disclaimer", "utter_emergency_reminder"], name
    slots = {(e["name"], e["value"]) for e in events if e["event"] == "slot"}
    assert {("disclaimer_shown", True), ("emergency_raised", False)} <= slots
    assert len(messages) > 2, "and then the reply itself"


@pytest.mark.parametrize("name", sorted(registered_replies()))
def test_later_replies_bring_neither(name: str) -> None:
    messages, _ = run(name, {"disclaimer_shown": True, "emergency_raised": False})
    assert not {"utter_disclaimer", "utter_emergency_reminder"} & set(responses(messages)), name
    assert messages, name


@pytest.mark.parametrize("name", sorted(registered_replies()) + ["action_emergency"])
def test_any_reply_closes_the_question_what_an_answer_was_missing(name: str) -> None:
    """After "not helpful" the question is open for one message, whatever it is."""
    executor = ActionExecutor()
    executor.register_package("actions")
    slots = {"disclaimer_shown": True, "emergency_raised": False, "missing_info_requested": True}
    intent = INTENT_FOR.get(name, "greet")
    parse_data = {"text": "hi", "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    tracker = Tracker("patient", slots, parse_data, [{"event": "user", "text": "hi",
                                                      "parse_data": parse_data}],
                      False, None, {}, "action_listen")
    events = asyncio.run(executor.actions[name](CollectingDispatcher(), tracker, DOMAIN))
    closing = [e["value"] for e in events
               if e["event"] == "slot" and e["name"] == "missing_info_requested"]
    assert closing and closing[-1] is False, (name, events)


def test_the_emergency_reply_is_the_call_for_help_alone() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    parse_data = {"text": "i can't breathe", "intent": {"name": "emergency", "confidence": 1.0}}
    tracker = Tracker("patient", {"disclaimer_shown": False}, parse_data, [], False, None, {},
                      "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(executor.actions["action_emergency"](dispatcher, tracker, DOMAIN))
    assert responses(dispatcher.messages) == ["utter_emergency"]
    assert [(e["name"], e["value"]) for e in events] == [("emergency_raised", True)]
