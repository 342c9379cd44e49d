"""The treatment answer action, run as the action server runs it: a real rasa_sdk Tracker and
CollectingDispatcher, with the real knowledge base and terminology."""
from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.treatments import ActionAnswerTreatment
from net_assistant.knowledge.sources import load_knowledge
from net_assistant.nlp import load_pipeline
from tests.conftest import DOMAIN, assert_traceable


def parse(text: str, intent: str) -> Dict[str, Any]:
    """Parse data as Rasa's NLU would give it: the intent plus the entity ruler's entities."""
    entities = [{"entity": ent.label_, "value": ent.text} for ent in load_pipeline()(text).ents]
    return {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities}


def answer(text: str, intent: str, topic: Optional[str] = None, **parse_extra: Any):
    parse_data = {**parse(text, intent), **parse_extra}
    tracker = Tracker("patient", {"topic": topic, "disclaimer_shown": True}, parse_data,
                      [{"event": "user", "text": text, "parse_data": parse_data}],
                      False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAnswerTreatment().run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def only(messages: List[Dict[str, Any]]) -> Dict[str, Any]:
    assert len(messages) == 1
    return messages[0]


def without_citation(text: str) -> str:
    return re.sub(r"\n\nSources?: .*\Z", "", text, flags=re.S)


def test_a_treatment_question_is_answered_from_the_sources_with_a_citation():
    message = only(answer("what is chemo?", "ask_chemotherapy")[0])
    meta = message["custom"]
    assert meta["kind"] == "answer" and meta["topic"] == "chemotherapy"
    assert set(meta["sources"]) == {"ipsen-treatment-options", "cancer-care-treatment"}
    assert message["text"].endswith(meta["citation"])
    assert load_knowledge().is_traceable(without_citation(message["text"]))
    assert_traceable(message["text"], meta)
    assert meta["not_covered"] is None and meta["personal_context"] is False


def test_the_aspect_asked_is_answered_and_the_others_offered_as_buttons():
    message, slots = answer("how is lanreotide given?", "ask_somatostatin_analogues")
    message = only(message)
    assert message["custom"]["aspect"] == "how_given"
    assert "injection" in message["text"]
    payloads = [button["payload"] for button in message["buttons"]]
    # the other aspects, then the feedback pair (the metadata says which buttons those are)
    feedback = message["custom"]["feedback"]
    assert payloads[-2:] == feedback["payloads"] == ["/feedback_helpful", "/feedback_not_helpful"]
    assert [b["title"] for b in message["buttons"][-2:]] == ["Helpful", "Not helpful"]
    assert feedback["question"] == DOMAIN["responses"]["utter_feedback_question"][0]["text"]
    aspects = payloads[:-2]
    assert aspects and all("somatostatin_analogues" in p for p in aspects)
    assert not any('"how_given"' in p for p in aspects)
    assert slots == {"topic": "somatostatin_analogues", "aspect": "how_given"}


def test_a_follow_up_answers_for_the_treatment_under_discussion():
    message = only(answer("and how is it given?", "ask_followup", topic="chemotherapy")[0])
    assert (message["custom"]["topic"], message["custom"]["aspect"]) == ("chemotherapy", "how_given")


def test_an_uncovered_aspect_is_named_beside_what_the_sources_say():
    message = only(answer("what are the side effects of PRRT", "ask_prrt")[0])
    meta = message["custom"]
    assert meta["kind"] == "answer" and meta["not_covered"] == "side_effects"
    assert message["text"].startswith(
        "The information I have about Peptide receptor radionuclide therapy (PRRT) doesn't cover "
        "side effects.")
    assert "Your doctor or specialist NET team can tell you more." in message["text"]
    assert meta["sources"] and meta["passages"]
    assert_traceable(message["text"], meta)


def test_a_question_with_personal_context_is_answered_with_a_care_team_note():
    message = only(answer("I start lanreotide next week, how is it given?",
                          "ask_somatostatin_analogues", personal_context=True)[0])
    meta = message["custom"]
    assert meta["kind"] == "answer" and meta["personal_context"] is True
    assert meta["passages"][0] == "ssa-injections"
    assert "how it applies in your own situation" in message["text"]
    assert_traceable(message["text"], meta)


def test_a_sub_topic_gets_its_own_passage():
    message = only(answer("what is a whipple procedure", "ask_surgery")[0])
    assert "Whipple" in message["text"]


def test_without_any_treatment_the_assistant_asks_which_one():
    message = only(answer("how is it given?", "ask_followup")[0])
    assert message["response"] == "utter_which_treatment"
    assert all(b["payload"].endswith('{"aspect": "how_given"}') for b in message["buttons"])


def test_observation_is_answered_with_a_labelled_patient_experience():
    message = only(answer("what does watch and wait mean", "ask_observation")[0])
    assert message["text"].startswith("A patient's experience")
    assert message["custom"]["patient_quote"]
    assert message["text"].endswith(message["custom"]["citation"])
    assert_traceable(message["text"], message["custom"])


def test_the_first_answer_of_a_conversation_starts_with_the_disclaimer():
    parse_data = parse("what is chemo?", "ask_chemotherapy")
    tracker = Tracker("patient", {}, parse_data, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAnswerTreatment().run(dispatcher, tracker, DOMAIN))
    disclaimer, answer_message = dispatcher.messages
    assert disclaimer["response"] == "utter_disclaimer"
    assert answer_message["custom"]["kind"] == "answer"
    assert {"event": "slot", "name": "disclaimer_shown", "value": True, "timestamp": None} in events

