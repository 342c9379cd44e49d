"""Greetings, thanks, goodbyes, "are you a bot?" and what is out of scope."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.disclaimer import disclaimer_once

RESPONSES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_you_are_welcome",
    "bot_challenge": "utter_iamabot",
    "out_of_scope": "utter_out_of_scope",
}


class ActionSmalltalk(Action):
    """Small talk, except that after an emergency it first repeats the call to get help:
    the assistant must not carry on as if nothing had happened."""

    def name(self) -> str:
        return "action_smalltalk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        events = disclaimer_once(dispatcher, tracker)
        if tracker.get_slot("emergency_raised"):
            dispatcher.utter_message(response="utter_emergency_reminder")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        dispatcher.utter_message(response=RESPONSES.get(intent, "utter_how_can_i_help"))
        return events
