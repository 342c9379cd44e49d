"""The first stage of the two-stage fallback ("Did you mean …?"), run with a real rasa_sdk
Tracker and CollectingDispatcher."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultAskAffirmation


def ask_affirmation(text: str, ranking: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    parse_data = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.5},
                  "intent_ranking": ranking, "entities": []}
    tracker = Tracker("patient", {"disclaimer_shown": True}, parse_data, [], False, None, {},
                      "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionDefaultAskAffirmation().run(dispatcher, tracker, {}))
    return dispatcher.messages


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
