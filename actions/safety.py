"""Personal medical questions go to the doctor; emergencies to emergency services."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.turn import EMERGENCY_SLOT, close_missing_info_question, open_turn
from actions.metadata import metadata
from actions.responses import response_text
from actions.treatments import question_from
from net_assistant import contract
from net_assistant.contract import intent_payload
from net_assistant.knowledge.terminology import load_terminology

# The rule in content/safety_rules.yml whose emergencies need a crisis line as well.
SELF_HARM_RULE = "emergency_self_harm"


class ActionEscalateToDoctor(Action):
    """Never a personal recommendation: point to the care team, then offer general
    information about the treatment asked about (as a choice, clearly general) and support."""

    def name(self) -> str:
        return "action_escalate_to_doctor"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        events = open_turn(dispatcher, tracker)
        topic = question_from(tracker).topic
        buttons = []
        if topic:
            name = load_terminology().treatments[topic].name
            intent = load_terminology().treatments[topic].intent
            buttons.append({
                "title": response_text(domain, "utter_button_general_information",
                                       treatment_name=name),
                "payload": intent_payload(intent),
            })
        buttons.append({"title": response_text(domain, "utter_button_find_support_group"),
                        "payload": intent_payload(contract.SUPPORT_GROUPS)})
        dispatcher.utter_message(
            response="utter_personal_question",
            buttons=buttons,
            json_message=metadata("escalation", topic=topic),
        )
        return events + ([SlotSet(contract.TOPIC_SLOT, topic)] if topic else [])


class ActionEmergency(Action):
    """Only the instruction to get help now: nothing else in that turn."""

    def name(self) -> str:
        return "action_emergency"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        # The NLU safety layer records the rule that fired (net_assistant.rasa_adapters.components).
        rule = (tracker.latest_message.get(contract.SAFETY_RULE_KEY) or {}).get("rule_id")
        self_harm = rule == SELF_HARM_RULE
        dispatcher.utter_message(
            response="utter_emergency_self_harm" if self_harm else "utter_emergency",
            json_message=metadata("emergency", self_harm=self_harm),
        )
        return [SlotSet(EMERGENCY_SLOT, True), *close_missing_info_question(tracker)]
