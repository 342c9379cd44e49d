"""The first stage of the two-stage fallback ("Did you mean …?"), run with a real rasa_sdk
Tracker and CollectingDispatcher."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import pytest

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultAskAffirmation
from tests.conftest import DOMAIN


def ask_affirmation(text: str, ranking: List[Dict[str, Any]],
                    topic: Optional[str] = None) -> List[Dict[str, Any]]:
    parse_data = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.5},
                  "intent_ranking": ranking, "entities": []}
    tracker = Tracker("patient", {"disclaimer_shown": True, "topic": topic}, parse_data, [],
                      False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionDefaultAskAffirmation().run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages


def test_an_unsure_follow_up_is_answered_for_the_treatment_under_discussion():
    ranking = [{"name": "nlu_fallback"}, {"name": "ask_followup"}, {"name": "ask_prrt"}]
    (message,) = ask_affirmation("and is it every month then", ranking, topic="somatostatin_analogues")
    assert message["custom"]["kind"] == "answer"
    assert message["custom"]["topic"] == "somatostatin_analogues"


def test_an_unsure_message_that_points_back_is_answered_for_the_treatment_under_discussion():
    ranking = [{"name": "nlu_fallback"}, {"name": "ask_symptom_medications"}, {"name": "ask_prrt"}]
    (message,) = ask_affirmation("and how long does it last", ranking, topic="somatostatin_analogues")
    assert message["custom"]["topic"] == "somatostatin_analogues"


@pytest.mark.parametrize("ranking, topic", [
    ([{"name": "nlu_fallback"}, {"name": "ask_followup"}], None),  # no treatment under discussion
    ([{"name": "nlu_fallback"}, {"name": "ask_followup"}, {"name": "emergency"}], "prrt"),
    ([{"name": "nlu_fallback"}, {"name": "greet"}, {"name": "ask_followup"}], "prrt"),
])
def test_otherwise_did_you_mean_is_asked(ranking, topic):
    messages = ask_affirmation("and then", ranking, topic=topic)
    assert messages[-1]["response"] == "utter_ask_affirmation"


def test_an_empty_message_gets_a_clear_prompt_not_a_guess():
    messages = ask_affirmation("  ", [{"name": "ask_prrt", "confidence": 0.3}])
    assert [m["response"] for m in messages] == ["utter_empty_message"]


def test_did_you_mean_offers_the_two_likeliest_topics_and_something_else():
    ranking = [{"name": "nlu_fallback"}, {"name": "greet"}, {"name": "ask_prrt"},
               {"name": "ask_surgery"}, {"name": "ask_chemotherapy"}]
    payloads = [b["payload"] for b in ask_affirmation("prrt or surgery", ranking)[0]["buttons"]]
    assert payloads == ["/ask_prrt", "/ask_surgery", "/out_of_scope"]


def test_an_unclear_message_that_may_be_an_emergency_says_what_to_do_first():
    ranking = [{"name": "nlu_fallback"}, {"name": "ask_prrt"}, {"name": "emergency"}]
    messages = ask_affirmation("help prrt", ranking)
    assert [m["response"] for m in messages] == ["utter_emergency_if_urgent", "utter_ask_affirmation"]
