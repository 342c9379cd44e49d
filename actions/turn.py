"""The turn protocol: what comes before every reply the assistant gives, whatever its kind.

- The medical disclaimer, once per conversation, at the start of the first reply. It comes with
  the first reply rather than at session start, so that a first message that is a question gets
  the disclaimer *and* the answer, while a first message that is an emergency gets nothing but
  the instruction to get help (the next reply brings it).
- After an emergency, the next reply — a treatment answer as much as small talk — first repeats
  the call to get help, once: the assistant must not carry on as if nothing had happened.

Every action that replies calls :func:`open_turn` first; the emergency action alone does not.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from net_assistant import contract
from net_assistant.contract import MISSING_INFO_SLOT

DISCLAIMER_SLOT = "disclaimer_shown"
EMERGENCY_SLOT = "emergency_raised"
# An unclear message whose likeliest readings (this many) include an emergency first gets what
# to do in an emergency.
URGENT_RANKS = 3


def open_turn(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    """Utter what this turn owes before its reply; returns the slot events that record it."""
    events = []
    if not tracker.get_slot(DISCLAIMER_SLOT):
        dispatcher.utter_message(response="utter_disclaimer")
        events.append(SlotSet(DISCLAIMER_SLOT, True))
    if tracker.get_slot(EMERGENCY_SLOT):
        dispatcher.utter_message(response="utter_emergency_reminder")
        events.append(SlotSet(EMERGENCY_SLOT, False))
    return events + close_missing_info_question(tracker)


def may_be_an_emergency(tracker: Tracker) -> bool:
    """Whether an emergency is among the likeliest readings of the latest message."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return contract.EMERGENCY in [entry.get("name") for entry in ranking[:URGENT_RANKS]]


def close_missing_info_question(tracker: Tracker) -> List[Dict[str, Any]]:
    """The question "what was missing?" is open for one message: any reply closes it."""
    return [SlotSet(MISSING_INFO_SLOT, False)] if tracker.get_slot(MISSING_INFO_SLOT) else []
