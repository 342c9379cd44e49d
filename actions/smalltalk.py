"""Greetings, thanks, goodbyes, "are you a bot?" and what is out of scope."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.turn import open_turn

RESPONSES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_you_are_welcome",
    "bot_challenge": "utter_iamabot",
    "out_of_scope": "utter_out_of_scope",
}


class ActionSmalltalk(Action):
    """Greetings, thanks, goodbyes, "are you a bot?" and what is out of scope."""

    def name(self) -> str:
        return "action_smalltalk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        events = open_turn(dispatcher, tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        dispatcher.utter_message(response=RESPONSES.get(intent, "utter_how_can_i_help"))
        return events
