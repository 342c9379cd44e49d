"""Answer selection: every passage of the topic is ranked, the aspect is a prior, not a gate."""
from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

import pytest

from net_assistant.knowledge.answers import Answer, Answerer, load_answerer
from net_assistant.knowledge.citations import answer_text, citation_text
from net_assistant.knowledge.sources import MAX_ANSWER_CHARS, load_knowledge
from net_assistant.knowledge.terminology import load_terminology
from tests.conftest import WORDING

TERMINOLOGY = load_terminology()
TOPICS = list(TERMINOLOGY.treatments)
UNCOVERED = [aspect for aspect, entry in TERMINOLOGY.aspects.items() if not entry.covered]
IPSEN = "ipsen-treatment-options"
CANCER_CARE = "cancer-care-treatment"


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return load_answerer()


def ask(answerer: Answerer, topic: str, message: str = "", *aspects: str) -> Answer:
    return answerer.answer(topic, message, aspects)


def every_answer(answerer: Answerer) -> Iterator[Tuple[str, Optional[str], str, Answer]]:
    """Each topic, asked each aspect (or none), with each of its terms as the message."""
    for topic in TOPICS:
        messages = [""] + list(TERMINOLOGY.treatments[topic].terms)
        for aspect in [None, *TERMINOLOGY.aspects]:
            for message in messages:
                aspects = (aspect,) if aspect else ()
                yield topic, aspect, message, answerer.answer(topic, message, aspects)


def paragraphs(text: str) -> List[str]:
    return text.split("\n\n")


# --- nobody meets a dead end, and every word is traceable -------------------------------------


def test_every_answer_quotes_the_sources_whole_and_fits_a_chat_bubble(answerer: Answerer) -> None:
    kb = load_knowledge()
    count = 0
    for topic, aspect, message, answer in every_answer(answerer):
        where = (topic, aspect, message)
        count += 1
        assert answer.passage_ids, where
        assert kb.is_traceable(answer.text), where
        assert len(answer.text) <= MAX_ANSWER_CHARS, where
    assert count > len(TOPICS) * 50


def test_every_pair_of_aspects_gets_an_answer(answerer: Answerer) -> None:
    """Two things asked that the sources cover only in part, or not at all, still get passages."""
    aspects = list(TERMINOLOGY.aspects)
    for topic in TOPICS:
        for first in aspects:
            for second in aspects:
                if first != second:
                    assert ask(answerer, topic, "what and how", first, second).passage_ids


@pytest.mark.parametrize("aspect", UNCOVERED)
def test_an_uncovered_aspect_is_named_and_what_the_sources_say_is_given(
    answerer: Answerer, aspect: str
) -> None:
    for topic in TOPICS:
        answer = ask(answerer, topic, "", aspect)
        assert answer.not_covered == aspect
        assert answer.passage_ids, topic


def test_a_covered_question_is_not_marked_not_covered(answerer: Answerer) -> None:
    assert ask(answerer, "prrt", "how is PRRT given?", "how_given").not_covered is None


def test_answers_cite_every_source_and_section_they_quote(answerer: Answerer) -> None:
    kb = load_knowledge()
    for *_, answer in every_answer(answerer):
        if answer.quote:
            continue
        sources = [kb.passage(passage_id).source for passage_id in answer.passage_ids]
        grouped = [s for index, s in enumerate(sources) if index == 0 or s != sources[index - 1]]
        assert grouped == list(answer.sources)
        citation = citation_text(answer.cited, WORDING)
        for passage_id in answer.passage_ids:
            assert f"“{kb.passage(passage_id).section}”" in citation
        assert citation.startswith("Source: " if len(answer.sources) == 1 else "Sources: ")
        assert [name for name, _ in answer.cited] == [kb.source(s).name for s in answer.sources]


def test_unknown_ids_are_a_programming_error(answerer: Answerer) -> None:
    with pytest.raises(ValueError):
        answerer.answer("homeopathy")
    with pytest.raises(ValueError):
        answerer.answer("surgery", "", ("recovery_time",))


# --- the aspect is a prior, the words decide ---------------------------------------------------


def test_a_misleading_question_word_does_not_close_the_gate(answerer: Answerer) -> None:
    """"when" suggests when_used, but the passage about injections answers it."""
    answer = ask(answerer, "somatostatin_analogues",
                 "when you first go on octreotide, is it several jabs a day?", "when_used")
    assert answer.passage_ids[0] == "ssa-injections"


def test_the_story_around_the_question_weighs_less_than_the_question(answerer: Answerer) -> None:
    """The story's words ("brain", "spread") would pick the passage on brain metastases."""
    story = "I start radiotherapy next week for a NET that has spread to my brain. "
    answer = ask(answerer, "radiation_therapy",
                 story + "How many sessions does it take and what happens at each one?")
    assert "radiation-external-beam" in answer.passage_ids
    assert ask(answerer, "radiation_therapy", story).passage_ids[0] != "radiation-external-beam"


def test_a_topic_without_a_passage_for_the_aspect_still_answers(answerer: Answerer) -> None:
    answer = ask(answerer, "somatostatin_analogues", "when is lanreotide used?", "when_used")
    assert answer.passage_ids and answer.not_covered is None


def test_patient_words_answer_what_they_speak_of(answerer: Answerer) -> None:
    answer = ask(answerer, "treatment_options",
                 "my specialist says he is not prescribing anything, am I not being treated?")
    assert answer.quote is not None and answer.quote.id == "helen-observation-is-treatment"
    assert answer_text(answer, WORDING).startswith("A patient's experience")


def test_the_sources_words_come_before_a_patients_that_only_just_score_higher(
        answerer: Answerer) -> None:
    answer = ask(answerer, "surgery", "Can liver tumours be surgically removed?")
    assert answer.quote is None and "surgery-liver" in answer.passage_ids


def test_observation_is_answered_in_a_patients_words(answerer: Answerer) -> None:
    answer = ask(answerer, "observation", "what is watch and wait?", "what_is")
    assert answer.quote is not None and not answer.passages


def test_a_question_that_asks_two_things_gets_both(answerer: Answerer) -> None:
    answer = ask(answerer, "prrt", "what is PRRT and how is it given?", "how_given", "what_is")
    aspects = {aspect for p in answer.passages for aspect in p.aspects}
    assert {"what_is", "how_given"} <= aspects


def test_patients_words_find_the_sources_words(answerer: Answerer) -> None:
    """"jabs" is the passage's "injection" (terminology.yml, word_equivalents)."""
    answer = ask(answerer, "somatostatin_analogues", "how often are the jabs?")
    assert "injection" in paragraphs(answer.text)[0]


@pytest.mark.parametrize(
    "topic, message, expected",
    [
        ("surgery", "what is a whipple", "Whipple procedure"),
        ("surgery", "what does debulking mean", "debulking"),
        ("surgery", "can they do a liver transplant", "liver transplant"),
        ("surgery", "the tumour is blocking the bowel", "relieve the blockage"),
        ("surgery", "what is a lymphadenectomy", "lymphadenectomy"),
        ("surgery", "could they just operate and take it out?", "Surgery"),
        ("radiation_therapy", "and the radiation they give during the operation?", "IORT"),
        ("radiation_therapy", "what is IORT", "IORT"),
        ("radiation_therapy", "how many fractions", "fraction"),
        ("other_immunotherapies", "what are CAR-T cells", "T-cell"),
        ("other_immunotherapies", "antibodies", "antibodies"),
        ("prrt", "why do you need an octreotide scan first", "octreotide scan"),
        ("interferon", "is it combined with lanreotide", "combination therapy"),
        ("symptom_medications", "tablets for the runs", "diarrhea"),
        ("liver_directed_therapy", "when is it used if surgery is not possible", "not eligible"),
    ],
)
def test_the_passage_that_answers_comes_first(
    answerer: Answerer, topic: str, message: str, expected: str
) -> None:
    assert expected.lower() in paragraphs(ask(answerer, topic, message).text)[0].lower()


def test_a_general_question_is_answered_with_what_it_is(answerer: Answerer) -> None:
    for topic in set(TOPICS) - {"observation"}:
        answer = ask(answerer, topic, TERMINOLOGY.treatments[topic].name)
        assert "what_is" in answer.passages[0].aspects, topic


@pytest.mark.parametrize("topic", ["chemotherapy", "radiation_therapy", "prrt"])
def test_both_sources_speak_on_a_general_question(answerer: Answerer, topic: str) -> None:
    answer = ask(answerer, topic, f"what is {TERMINOLOGY.treatments[topic].name}?", "what_is")
    assert set(answer.sources) == {IPSEN, CANCER_CARE}


def test_treatment_options_list_the_treatments_and_say_to_consult_a_doctor(
    answerer: Answerer,
) -> None:
    text = ask(answerer, "treatment_options", "what treatments are there?").text
    assert "Always consult your doctor" in text
    for heading in ("Somatostatin analogues", "Interferon", "Liver-directed therapy"):
        assert f"• {heading}" in text


def test_prrt_keeps_where_each_source_puts_it(answerer: Answerer) -> None:
    answer = ask(answerer, "prrt", "what is prrt")
    assert "used to manage NETs" in answer.text
    assert "Treatments under development > Radionuclide therapy (PRRT)" in citation_text(
        answer.cited, WORDING)
    under_development = ask(answerer, "treatments_under_development", "new treatments")
    assert "not yet approved" in under_development.text


@pytest.mark.parametrize(
    "topic, message, expected",
    [
        ("interferon", "is it given with other drugs", "combination therapy with somatostatin"),
        ("symptom_medications", "medicine for blood pressure", "blood pressure, and heart rate"),
        ("liver_directed_therapy", "who is it for", "not eligible for surgery"),
        ("somatostatin_analogues", "how is it injected", "longer-acting injection"),
        ("targeted_therapy", "when is it used", "first received somatostatin analogue"),
    ],
)
def test_what_each_source_says_can_be_reached(
    answerer: Answerer, topic: str, message: str, expected: str
) -> None:
    aspects = TERMINOLOGY.by_priority(
        a for a, entry in TERMINOLOGY.aspects.items() if any(t in message for t in entry.terms)
    )
    assert expected in answerer.answer(topic, message, aspects).text
