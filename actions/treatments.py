"""Answer treatment questions from the curated knowledge base."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.disclaimer import disclaimer_once
from actions.metadata import metadata
from net_assistant.knowledge import PatientQuote, load_knowledge
from net_assistant.questions import Question, resolve_question
from net_assistant.terminology import load_terminology

ASPECT_BUTTON_TITLES = {
    "what_is": "What is it?",
    "how_given": "How is it given?",
    "when_used": "When is it used?",
    "goal": "What does it aim to do?",
}


def question_from(tracker: Tracker) -> Question:
    """The question in the latest message, read against the treatment under discussion."""
    message = tracker.latest_message
    return resolve_question(
        load_terminology(),
        (message.get("intent") or {}).get("name"),
        message.get("entities") or [],
        tracker.get_slot("topic"),
        tracker.get_slot("aspect"),
    )


def aspect_buttons(topic: str, answered: Optional[str]) -> List[Dict[str, str]]:
    """Quick replies for the other aspects the sources cover for this treatment."""
    return [
        {
            "title": ASPECT_BUTTON_TITLES[aspect],
            "payload": f'/ask_followup{{"treatment": "{topic}", "aspect": "{aspect}"}}',
        }
        for aspect in load_knowledge().aspects_for(topic)
        if aspect != answered and aspect in ASPECT_BUTTON_TITLES
    ]


def treatment_buttons(aspect: Optional[str]) -> List[Dict[str, str]]:
    """Quick replies that ask the same question (the same aspect) about each treatment."""
    entities = f'{{"aspect": "{aspect}"}}' if aspect else ""
    return [
        {"title": treatment.name, "payload": f"/{treatment.intent}{entities}"}
        for treatment in load_terminology().treatments.values()
    ]


def utter_not_covered(dispatcher: CollectingDispatcher, topic: str, aspect: str) -> None:
    """Say plainly that the sources don't cover it, and offer what they do cover."""
    terminology = load_terminology()
    dispatcher.utter_message(
        response="utter_not_covered",
        treatment_name=terminology.treatments[topic].name,
        aspect_label=terminology.aspects[aspect].label,
        buttons=aspect_buttons(topic, None),
        json_message=metadata("fallback", topic=topic, aspect=aspect),
    )


def utter_patient_experience(
    dispatcher: CollectingDispatcher, topic: str, quote: PatientQuote
) -> None:
    """Where the sources speak of a topic only through a patient's words, share those words,
    labelled as one person's experience."""
    dispatcher.utter_message(
        text=quote.full_text,
        buttons=aspect_buttons(topic, None),
        json_message=metadata(
            "answer", topic=topic, sources=[quote.source], citation=quote.citation,
            patient_quote=quote.id,
        ),
    )


class ActionAnswerTreatment(Action):
    def name(self) -> str:
        return "action_answer_treatment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        events = disclaimer_once(dispatcher, tracker)
        question = question_from(tracker)
        if question.topic is None:
            dispatcher.utter_message(
                response="utter_which_treatment",
                buttons=treatment_buttons(question.aspect),
                json_message=metadata("fallback", aspect=question.aspect),
            )
            return events

        knowledge = load_knowledge()
        message = tracker.latest_message.get("text") or ""
        answer = knowledge.answer(
            question.topic, question.aspect, (*question.focus_terms, message)
        )
        quotes = knowledge.patient_quotes(question.topic)
        if answer is None and quotes and question.aspect in (None, "what_is"):
            utter_patient_experience(dispatcher, question.topic, quotes[0])
        elif answer is None:
            utter_not_covered(dispatcher, question.topic, question.aspect or "what_is")
        else:
            dispatcher.utter_message(
                text=answer.full_text,
                buttons=aspect_buttons(answer.topic, answer.aspect),
                json_message=metadata(
                    "answer",
                    topic=answer.topic,
                    aspect=answer.aspect,
                    sources=answer.sources,
                    citation=answer.citation,
                ),
            )
        return events + [SlotSet("topic", question.topic), SlotSet("aspect", question.aspect)]
