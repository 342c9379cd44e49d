"""Feedback on answers: "Helpful" / "Not helpful" under each answer, and what was missing.

The reply to a feedback click is stored, as every bot event is, in the tracker store; its
metadata (kind ``feedback``) names the answer it rates, taken from the latest answer's metadata
in the conversation: topic, aspect, sources, passages, and when that answer was given. The
editors' report counts it for that answer (net_assistant/report/).

After "not helpful" the assistant asks, optionally, what was missing. The next message is the
note only if it is no new request (``MISSING_INFO_INTENTS``: out of scope or not understood,
data/rules/feedback.yml; or a follow-up that asks about no aspect and names no treatment, "too
vague, I wanted more detail", which the answer action hands here); a question, an emergency or a
personal question is handled as itself, and any reply closes the question (actions/turn.py).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.metadata import metadata
from actions.turn import may_be_an_emergency, open_turn
from net_assistant import contract
from net_assistant.knowledge.questions import Question

HELPFUL, NOT_HELPFUL = "helpful", "not_helpful"
VERDICTS = {contract.FEEDBACK_HELPFUL: HELPFUL, contract.FEEDBACK_NOT_HELPFUL: NOT_HELPFUL}
ANSWER_KIND = "answer"


def latest_answer(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The latest bot event of the conversation that was an answer (its metadata's kind)."""
    for event in reversed(tracker.events):
        custom = (event.get("data") or {}).get("custom") if event.get("event") == "bot" else None
        if isinstance(custom, dict) and custom.get("kind") == ANSWER_KIND:
            return event
    return None


def feedback_metadata(answer: Optional[Dict[str, Any]], verdict: str,
                      **extra: Any) -> Dict[str, Any]:
    """The metadata of a reply to feedback: the verdict, and the answer it rates."""
    rated = ((answer or {}).get("data") or {}).get("custom") or {}
    return metadata(
        "feedback",
        topic=rated.get("topic"),
        aspect=rated.get("aspect"),
        sources=rated.get("sources") or [],
        verdict=verdict,
        passages=list(rated.get("passages") or []),
        not_covered=rated.get("not_covered"),
        patient_quote=rated.get("patient_quote"),
        answered_at=(answer or {}).get("timestamp"),
        **extra,
    )


class ActionFeedback(Action):
    """Records a verdict on the latest answer; after "not helpful", asks what was missing."""

    def name(self) -> str:
        return contract.FEEDBACK_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        events = open_turn(dispatcher, tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        verdict = VERDICTS.get(intent or "", HELPFUL)
        answer = latest_answer(tracker)
        if answer is None:  # a payload sent before any answer (typed, or a stale page): small talk
            dispatcher.utter_message(response="utter_you_are_welcome" if verdict == HELPFUL
                                     else "utter_how_can_i_help")
            return events
        # While the country question is open it is asked again next, so no second question.
        ask = verdict == NOT_HELPFUL and not tracker.active_loop_name
        dispatcher.utter_message(
            response="utter_feedback_ask_missing" if ask else "utter_feedback_thanks",
            json_message=feedback_metadata(answer, verdict),
        )
        return events + ([SlotSet(contract.MISSING_INFO_SLOT, True)] if ask else [])


class ActionNoteMissingInfo(Action):
    """The message after "not helpful" that says what was missing: thanked, and tagged in its
    reply's metadata (``missing_info``) so the editors' to-do list shows it (redacted)."""

    def name(self) -> str:
        return contract.NOTE_MISSING_INFO

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        return note_missing_info(dispatcher, tracker)


def note_missing_info(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    """Thank for the note on what was missing, and tag the reply for the editors' to-do list."""
    events = open_turn(dispatcher, tracker)
    if may_be_an_emergency(tracker):  # as for any unclear message: what to do first
        dispatcher.utter_message(response="utter_emergency_if_urgent")
    dispatcher.utter_message(
        response="utter_feedback_note_thanks",
        json_message=feedback_metadata(latest_answer(tracker), NOT_HELPFUL, missing_info=True),
    )
    return events


def is_missing_info_note(tracker: Tracker, question: Question) -> bool:
    """After "not helpful", a follow-up that names no treatment and asks about no aspect ("too
    vague, I wanted more detail") says what was missing; it is not a new question."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return (bool(tracker.get_slot(contract.MISSING_INFO_SLOT)) and intent == contract.FOLLOW_UP
            and not question.aspects and not question.focus_terms)
