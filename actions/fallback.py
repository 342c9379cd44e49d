"""The first stage of the two-stage fallback: "Did you mean …?" with the two likeliest topics."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.turn import may_be_an_emergency, open_turn
from actions.metadata import metadata
from actions.responses import response_text
from actions.treatments import ActionAnswerTreatment
from net_assistant import contract
from net_assistant.contract import intent_payload
from net_assistant.knowledge.questions import points_back
from net_assistant.knowledge.terminology import TREATMENT_LABEL, load_terminology

# Intents worth offering as a guess besides the treatments, with the response that words the
# guess; others (small talk, emergencies, follow-ups that need context) are never offered.
OTHER_SUGGESTIONS = {
    contract.PERSONAL: "utter_button_own_care",
    contract.SUPPORT_GROUPS: "utter_button_support_groups",
    contract.SPECIALIST_CENTRE: "utter_button_specialist_centre",
}
NLU_FALLBACK = "nlu_fallback"


def suggestion_titles(domain: Dict[str, Any]) -> Dict[str, str]:
    titles = {t.intent: t.name for t in load_terminology().treatments.values()}
    others = {intent: response_text(domain, name) for intent, name in OTHER_SUGGESTIONS.items()}
    return {**titles, **others}


def likeliest_suggestions(ranking: Iterable[Dict[str, Any]], domain: Dict[str, Any],
                          count: int = 2) -> List[Dict[str, str]]:
    """Buttons for the ``count`` highest-ranked intents that can be offered as a guess."""
    titles = suggestion_titles(domain)
    names = [str(entry["name"]) for entry in ranking if entry.get("name") in titles]
    return [{"title": titles[name], "payload": intent_payload(name)} for name in names[:count]]


def something_else(domain: Dict[str, Any]) -> Dict[str, str]:
    return {"title": response_text(domain, "utter_button_something_else"),
            "payload": intent_payload(contract.OUT_OF_SCOPE)}


def likeliest_guess(ranking: Iterable[Dict[str, Any]]) -> Optional[str]:
    return next((e.get("name") for e in ranking if e.get("name") != NLU_FALLBACK), None)


def _follows_up(tracker: Tracker, ranking: List[Dict[str, Any]]) -> bool:
    """The unsure message reads likeliest as a follow-up, or it names no treatment and points
    back at the one under discussion ("and how long does it last?")."""
    message = tracker.latest_message
    names_one = any(entity.get("entity") == TREATMENT_LABEL for entity in message.get("entities") or [])
    return likeliest_guess(ranking) == contract.FOLLOW_UP or (
        not names_one and points_back(message.get("text") or ""))


class ActionDefaultAskAffirmation(Action):
    """The first stage of the fallback: "did you mean…?". An unsure follow-up while a treatment
    is under discussion ("and is it every month then?") is answered for that treatment instead:
    asking "did you mean a follow-up?" would only lose the thread."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        urgent = may_be_an_emergency(tracker)
        if not urgent and tracker.get_slot(contract.TOPIC_SLOT) and _follows_up(tracker, ranking):
            return await ActionAnswerTreatment().run(dispatcher, tracker, domain)
        events = open_turn(dispatcher, tracker)
        if not (tracker.latest_message.get("text") or "").strip():
            dispatcher.utter_message(response="utter_empty_message")
            return events
        if urgent:
            dispatcher.utter_message(response="utter_emergency_if_urgent")
        dispatcher.utter_message(
            response="utter_ask_affirmation",
            buttons=likeliest_suggestions(ranking, domain) + [something_else(domain)],
            json_message=metadata("fallback"),
        )
        return events
