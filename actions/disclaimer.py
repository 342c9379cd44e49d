"""The medical disclaimer, given once per conversation at the start of the first answer.

It comes with the first answer rather than at session start, so that a first message that
is a question gets the disclaimer *and* the answer, while a first message that is an
emergency gets nothing but the instruction to get help (the next answer brings it).
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

DISCLAIMER_SLOT = "disclaimer_shown"


def disclaimer_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    """Utter the disclaimer unless this conversation has had it; returns the slot event."""
    if tracker.get_slot(DISCLAIMER_SLOT):
        return []
    dispatcher.utter_message(response="utter_disclaimer")
    return [SlotSet(DISCLAIMER_SLOT, True)]
