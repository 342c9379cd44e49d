"""Answer treatment questions from the curated knowledge base."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import is_missing_info_note, note_missing_info
from actions.turn import open_turn
from actions.metadata import metadata
from actions.responses import response_text
from net_assistant.knowledge import citations
from net_assistant.knowledge.answers import Answer, load_answerer
from net_assistant.knowledge.citations import CitationWording
from net_assistant.contract import (
    ASPECT_SLOT,
    FEEDBACK_HELPFUL,
    FEEDBACK_NOT_HELPFUL,
    FOLLOW_UP,
    PERSONAL_CONTEXT_KEY,
    TOPIC_SLOT,
    intent_payload,
    is_quick_reply_payload,
)
from net_assistant.knowledge.sources import load_knowledge
from net_assistant.knowledge.questions import Question, resolve_question
from net_assistant.knowledge.terminology import load_terminology


# The aspects offered as quick replies after an answer, and the responses that word them.
ASPECT_BUTTONS = {
    "what_is": "utter_button_what_is",
    "how_given": "utter_button_how_given",
    "when_used": "utter_button_when_used",
    "goal": "utter_button_goal",
}


def question_from(tracker: Tracker) -> Question:
    """The question in the latest message, read against the treatment under discussion."""
    message = tracker.latest_message
    return resolve_question(
        load_terminology(),
        (message.get("intent") or {}).get("name"),
        message.get("entities") or [],
        tracker.get_slot(TOPIC_SLOT),
        tracker.get_slot(ASPECT_SLOT),
        question_words(message),
    )


def question_words(message: Dict[str, Any]) -> str:
    """The words to rank passages against: none for a quick reply, whose payload says exactly
    which treatment and aspect it asks about."""
    text = message.get("text") or ""
    return "" if is_quick_reply_payload(text) else text


def aspect_buttons(topic: str, answered: Optional[str],
                   domain: Dict[str, Any]) -> List[Dict[str, str]]:
    """Quick replies for the other aspects the sources cover for this treatment."""
    return [
        {
            "title": response_text(domain, ASPECT_BUTTONS[aspect]),
            "payload": intent_payload(FOLLOW_UP, treatment=topic, aspect=aspect),
        }
        for aspect in load_knowledge().aspects_for(topic)
        if aspect != answered and aspect in ASPECT_BUTTONS
    ]


# The feedback pair under every answer, and the responses that word them.
FEEDBACK_BUTTONS = {
    FEEDBACK_HELPFUL: "utter_button_helpful",
    FEEDBACK_NOT_HELPFUL: "utter_button_not_helpful",
}


def feedback_buttons(domain: Dict[str, Any]) -> List[Dict[str, str]]:
    """ "Helpful" / "Not helpful": payloads that are intents, never free text."""
    return [{"title": response_text(domain, name), "payload": intent_payload(intent)}
            for intent, name in FEEDBACK_BUTTONS.items()]


def feedback_offer(domain: Dict[str, Any]) -> Dict[str, Any]:
    """What the answer's metadata says about its feedback buttons: the question a widget shows
    above them, and which of the answer's buttons they are."""
    return {"question": response_text(domain, "utter_feedback_question"),
            "payloads": [button["payload"] for button in feedback_buttons(domain)]}


def treatment_buttons(aspect: Optional[str]) -> List[Dict[str, str]]:
    """Quick replies that ask the same question (the same aspect) about each treatment."""
    entities = {"aspect": aspect} if aspect else {}
    return [
        {"title": treatment.name, "payload": intent_payload(treatment.intent, **entities)}
        for treatment in load_terminology().treatments.values()
    ]


def answer_text(answer: Answer, personal_context: bool, domain: Dict[str, Any],
                wording: CitationWording) -> str:
    """The quoted passages and their citation, with the assistant's framing around them:
    what the sources don't cover (before), and for a question about someone's own situation,
    that their care team can say how it applies (after)."""
    terminology = load_terminology()
    parts = [citations.answer_text(answer, wording)]
    if answer.not_covered:
        parts.insert(0, response_text(
            domain, "utter_not_covered_lead",
            treatment_name=terminology.treatments[answer.topic].name,
            aspect_label=terminology.aspects[answer.not_covered].label,
        ))
    if personal_context or answer.not_covered:
        parts.append(response_text(domain, "utter_applies_to_you" if personal_context
                                   else "utter_care_team_knows_more"))
    return "\n\n".join(parts)


class ActionAnswerTreatment(Action):
    def name(self) -> str:
        return "action_answer_treatment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        question = question_from(tracker)
        if is_missing_info_note(tracker, question):
            return note_missing_info(dispatcher, tracker)
        events = open_turn(dispatcher, tracker)
        if question.topic is None:
            dispatcher.utter_message(
                response="utter_which_treatment",
                buttons=treatment_buttons(question.aspect),
                json_message=metadata("fallback", aspect=question.aspect),
            )
            return events

        message = tracker.latest_message
        answer = load_answerer().answer(question.topic, question_words(message), question.aspects)
        personal_context = bool(message.get(PERSONAL_CONTEXT_KEY))
        wording = CitationWording.from_responses(domain["responses"])
        dispatcher.utter_message(
            text=answer_text(answer, personal_context, domain, wording),
            buttons=aspect_buttons(answer.topic, answer.aspect, domain) + feedback_buttons(domain),
            json_message=metadata(
                "answer",
                topic=answer.topic,
                aspect=answer.aspect,
                sources=answer.sources,
                citation=citations.citation_text(answer.cited, wording),
                passages=list(answer.passage_ids),
                not_covered=answer.not_covered,
                personal_context=personal_context,
                patient_quote=answer.quote.id if answer.quote else None,
                feedback=feedback_offer(domain),
            ),
        )
        return events + [SlotSet(TOPIC_SLOT, question.topic), SlotSet(ASPECT_SLOT, question.aspect)]
