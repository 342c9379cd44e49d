"""The knowledge base says only what the sources say, whole and traceable, and says where from."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Tuple

import pytest
import yaml

from net_assistant.content import CONTENT_DIR, ContentError
from net_assistant.knowledge import (
    KNOWLEDGE_FILE,
    MAX_ANSWER_CHARS,
    SOURCES_FILE,
    Answer,
    KnowledgeBase,
    load_knowledge,
)
from net_assistant.terminology import load_terminology

IPSEN = "ipsen-treatment-options"
CANCER_CARE = "cancer-care-treatment"
TERMINOLOGY = load_terminology()
TOPICS = list(TERMINOLOGY.treatments)
COVERED = [aspect for aspect, entry in TERMINOLOGY.aspects.items() if entry.covered]
UNCOVERED = [aspect for aspect, entry in TERMINOLOGY.aspects.items() if not entry.covered]
# The sources speak about observation only in patients' own words (see patient_quotes).
ONLY_PATIENT_EXPERIENCE = {"observation"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def every_answer(kb: KnowledgeBase) -> Iterator[Tuple[str, Optional[str], Tuple[str, ...], Answer]]:
    """Every answer the knowledge base gives: each topic, each aspect, each term as focus."""
    for topic in TOPICS:
        focus_options = [()] + [(term,) for term in TERMINOLOGY.treatments[topic].terms]
        for aspect in [None] + list(TERMINOLOGY.aspects):
            for focus in focus_options:
                answer = kb.answer(topic, aspect, focus)
                if answer is not None:
                    yield topic, aspect, focus, answer


def paragraphs(text: str) -> List[str]:
    return text.split("\n\n")


# --- a copy of the content to break ---------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    for name in ("terminology.yml", SOURCES_FILE, KNOWLEDGE_FILE):
        shutil.copy(CONTENT_DIR / name, tmp_path / name)
    shutil.copytree(CONTENT_DIR / "sources", tmp_path / "sources")
    return tmp_path


def edit_yaml(directory: Path, name: str, change: Callable[[dict], None]) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_passage(directory: Path, text: str, section: str = "Surgery", source: str = IPSEN,
                topic: str = "surgery", aspect: str = "what_is", **extra: object) -> None:
    passage = {"id": "added-passage", "source": source, "section": section, "text": text, **extra}
    edit_yaml(directory, KNOWLEDGE_FILE,
              lambda data: data["treatments"].setdefault(topic, {}).setdefault(aspect, [])
              .append(passage))


def load_error(directory: Path) -> str:
    with pytest.raises(ContentError) as error:
        load_knowledge(directory)
    return str(error.value)


# --- loading ---------------------------------------------------------------------------------


def test_sources_say_who_published_them_and_for_whom(kb: KnowledgeBase) -> None:
    ipsen = kb.source(IPSEN)
    assert ipsen.publisher == "Ipsen"
    assert "United States, Canada and France" in ipsen.audience
    assert "Taking On Cancer, Together" in kb.source(CANCER_CARE).note
    assert kb.source(CANCER_CARE).title == "Treatment"


def test_the_copied_content_loads_like_the_real_content(content: Path, kb: KnowledgeBase) -> None:
    copy = load_knowledge(content)
    assert [p.id for p in copy.passages] == [p.id for p in kb.passages]


@pytest.mark.parametrize("topic", sorted(set(TOPICS) - ONLY_PATIENT_EXPERIENCE))
def test_every_treatment_has_passages(kb: KnowledgeBase, topic: str) -> None:
    assert kb.aspects_for(topic), topic
    assert kb.answer(topic) is not None


def test_observation_is_covered_only_as_patient_experience(kb: KnowledgeBase) -> None:
    for topic in ONLY_PATIENT_EXPERIENCE:
        assert kb.aspects_for(topic) == ()
        assert all(kb.answer(topic, aspect) is None for aspect in [None] + COVERED)
    quotes = " ".join(quote.text for quote in kb.patient_quotes("observation"))
    assert "does not mean that you are not receiving any treatment" in quotes


def test_patient_quotes_are_labelled_and_never_part_of_an_answer(kb: KnowledgeBase) -> None:
    quotes = list(kb.quotes)
    assert {quote.person for quote in quotes} >= {"Helen, Living with NETs"}
    for quote in quotes:
        assert quote.full_text.startswith("A patient's experience")
        assert quote.person in quote.full_text and "Source:" in quote.full_text
    for *_, answer in every_answer(kb):
        assert not any(quote.text[:60] in answer.text for quote in quotes)


# --- every answer is quoted, whole and short enough ------------------------------------------


def test_every_passage_and_patient_quote_is_traceable(kb: KnowledgeBase) -> None:
    assert kb.passages
    for passage in kb.passages:
        assert kb.is_traceable(passage.text), passage.id
    for quote in kb.quotes:
        assert kb.is_traceable(quote.text), quote.id


def test_every_answer_is_traceable_and_fits_a_chat_bubble(kb: KnowledgeBase) -> None:
    count = 0
    for topic, aspect, focus, answer in every_answer(kb):
        count += 1
        where = (topic, aspect, focus)
        assert kb.is_traceable(answer.text), where
        assert len(answer.text) <= MAX_ANSWER_CHARS, where
        assert answer.full_text == f"{answer.text}\n\n{answer.citation}"
        for paragraph in paragraphs(answer.text):
            assert paragraph.splitlines()[0].endswith((".", ":")), (where, paragraph)
    assert count > len(TOPICS) * 10


def test_answers_group_passages_by_source_and_cite_every_one(kb: KnowledgeBase) -> None:
    for topic, aspect, focus, answer in every_answer(kb):
        sources = [kb.passage(passage_id).source for passage_id in answer.passage_ids]
        grouped = [s for index, s in enumerate(sources) if index == 0 or s != sources[index - 1]]
        assert grouped == list(answer.sources), (topic, aspect, focus)
        for source_id in answer.sources:
            assert kb.source(source_id).name in answer.citation
        for passage_id in answer.passage_ids:
            assert f"“{kb.passage(passage_id).section}”" in answer.citation
        assert answer.citation.startswith("Source: " if len(answer.sources) == 1 else "Sources: ")


def test_a_general_question_answers_what_it_is(kb: KnowledgeBase) -> None:
    for topic in sorted(set(TOPICS) - ONLY_PATIENT_EXPERIENCE):
        general = kb.answer(topic)
        assert general.aspect == kb.aspects_for(topic)[0]
        if "what_is" in kb.aspects_for(topic):
            assert general.passage_ids == kb.answer(topic, "what_is").passage_ids


def test_a_general_question_falls_back_to_the_first_covered_aspect(content: Path) -> None:
    edit_yaml(content, KNOWLEDGE_FILE, lambda data: data["treatments"]["surgery"].pop("what_is"))
    answer = load_knowledge(content).answer("surgery")
    assert answer.aspect == "how_given"
    assert "margin-negative resection" in answer.text


@pytest.mark.parametrize("aspect", UNCOVERED)
def test_aspects_the_sources_do_not_cover_get_no_answer(kb: KnowledgeBase, aspect: str) -> None:
    for topic in TOPICS:
        assert kb.answer(topic, aspect) is None
        assert aspect not in kb.aspects_for(topic)


def test_unknown_ids_are_a_programming_error(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError):
        kb.answer("homeopathy")
    with pytest.raises(ValueError):
        kb.answer("surgery", "recovery_time")


# --- coverage of the sources ------------------------------------------------------------------


@pytest.mark.parametrize(
    "topic, aspect, focus, expected",
    [
        ("surgery", None, "whipple", "Whipple procedure"),
        ("surgery", "what_is", "Whipple's", "Whipple procedure"),
        ("surgery", None, "debulking", "debulking"),
        ("surgery", "when_used", "tumour debulking", "debulking"),
        ("surgery", None, "liver transplant", "liver transplant"),
        ("surgery", "when_used", "liver transplantation", "liver transplant"),
        ("surgery", None, "bowel blockage", "relieve the blockage"),
        ("surgery", None, "lymphadenectomy", "lymphadenectomy"),
        ("surgery", None, "endoscopic resection", "endoscopic resection"),
        ("surgery", None, "gastric resection", "gastric resection"),
        ("surgery", None, "bowel resection", "bowel resection"),
        ("surgery", None, "appendectomy", "appendectomy"),
        ("surgery", None, "lung resection", "lung resection"),
        ("surgery", None, "distal pancreatectomy", "distal pancreatectomy"),
        ("surgery", None, "thyroidectomy", "thyroidectomy"),
        ("surgery", None, "liver resection", "liver"),
        ("radiation_therapy", None, "IORT", "IORT"),
        ("radiation_therapy", "how_given", "intra-operative radiotherapy", "IORT"),
        ("radiation_therapy", "how_given", "fractions", "fraction"),
        ("radiation_therapy", None, "external beam radiotherapy", "external beam"),
        ("other_immunotherapies", None, "T-cell", "T-cell"),
        ("other_immunotherapies", "what_is", "CAR-T cells", "T-cell"),
        ("other_immunotherapies", None, "antibodies", "antibodies"),
        ("prrt", None, "octreotide scan", "octreotide scan"),
        ("prrt", "when_used", "octreotide scan", "octreotide scan"),
    ],
)
def test_a_named_sub_topic_is_answered_first(
    kb: KnowledgeBase, topic: str, aspect: Optional[str], focus: str, expected: str
) -> None:
    answer = kb.answer(topic, aspect, [focus])
    assert expected.lower() in paragraphs(answer.text)[0].lower()


def test_focus_reorders_an_answer(kb: KnowledgeBase) -> None:
    plain = kb.answer("radiation_therapy", "how_given")
    focused = kb.answer("radiation_therapy", "how_given", ["iort"])
    assert "IORT" not in paragraphs(plain.text)[0]
    assert "IORT" in paragraphs(focused.text)[0]


def test_the_whole_message_works_as_focus(kb: KnowledgeBase) -> None:
    answer = kb.answer("surgery", None, ["What is a Whipple's procedure exactly?"])
    assert "Whipple procedure" in paragraphs(answer.text)[0]


def test_a_treatment_term_alone_does_not_reorder_the_answer(kb: KnowledgeBase) -> None:
    assert kb.answer("surgery", None, ["surgery"]) == kb.answer("surgery")


@pytest.mark.parametrize(
    "topic, aspect",
    [
        ("treatment_options", "what_is"),
        ("chemotherapy", "what_is"),
        ("chemotherapy", "how_given"),
        ("chemotherapy", "when_used"),
        ("radiation_therapy", "what_is"),
        ("radiation_therapy", "goal"),
        ("targeted_therapy", "what_is"),
        ("prrt", "what_is"),
        ("prrt", "how_given"),
    ],
)
def test_both_sources_are_combined_where_both_cover(
    kb: KnowledgeBase, topic: str, aspect: str
) -> None:
    answer = kb.answer(topic, aspect)
    assert set(answer.sources) == {IPSEN, CANCER_CARE}
    assert answer.citation.startswith("Sources: ")


def test_whenever_both_sources_cover_an_aspect_both_are_quoted(kb: KnowledgeBase) -> None:
    for topic in TOPICS:
        for aspect in kb.aspects_for(topic):
            available = {p.source for p in kb.passages if p.topic == topic and aspect in p.aspects}
            assert set(kb.answer(topic, aspect).sources) == available, (topic, aspect)


def test_treatment_options_lists_the_treatments_and_says_to_consult_a_doctor(
    kb: KnowledgeBase,
) -> None:
    text = kb.answer("treatment_options").text
    assert "Always consult your doctor" in text
    for heading in ("Somatostatin analogues", "Interferon", "Liver-directed therapy",
                    "Medications"):
        assert f"• {heading}" in text


def test_prrt_keeps_where_each_source_puts_it(kb: KnowledgeBase) -> None:
    answer = kb.answer("prrt")
    assert "used to manage NETs" in answer.text
    assert "Treatments under development > Radionuclide therapy (PRRT)" in answer.citation
    under_development = kb.answer("treatments_under_development")
    assert "not yet approved" in under_development.text
    assert "may never be approved" in under_development.text
    assert "• Radionuclide therapy (PRRT)" in under_development.text


@pytest.mark.parametrize(
    "topic, expected",
    [
        ("interferon", "combination therapy with somatostatin analogues"),
        ("symptom_medications", "diarrhea, gastric acid, blood pressure, and heart rate"),
        ("liver_directed_therapy", "not eligible for surgery"),
        ("somatostatin_analogues", "longer-acting injection"),
        ("targeted_therapy", "first received somatostatin analogue medications"),
    ],
)
def test_what_each_source_says_can_be_reached(kb: KnowledgeBase, topic: str, expected: str) -> None:
    assert any(expected in kb.answer(topic, aspect).text for aspect in kb.aspects_for(topic))


# --- corrections -------------------------------------------------------------------------------


def test_listed_corrections_are_applied_to_every_answer(kb: KnowledgeBase) -> None:
    assert "Some, but not all NETs, respond" in kb.answer("radiation_therapy", "what_is").text
    assert "Peptide receptor radionuclide therapy (PRRT)" in kb.answer("prrt").text
    for *_, answer in every_answer(kb):
        assert "PPRT" not in answer.full_text and "NTEs" not in answer.full_text


def test_a_correction_not_in_the_list_fails_tracing(kb: KnowledgeBase) -> None:
    quoted = kb.answer("prrt", "when_used").text
    assert "tumors" in quoted and kb.is_traceable(quoted)
    assert not kb.is_traceable(quoted.replace("tumors", "tumours"))
    assert not kb.is_traceable("Some, but not all NETs, respond to radiation therapy".replace(
        "radiation", "radiotherapy"))


def test_without_the_corrections_list_the_typo_is_shown(content: Path) -> None:
    edit_yaml(content, KNOWLEDGE_FILE, lambda data: data.pop("corrections"))
    assert "(PPRT)" in load_knowledge(content).answer("prrt").text


def test_a_corrected_passage_needs_its_correction_listed(content: Path) -> None:
    edit_yaml(content, KNOWLEDGE_FILE, lambda data: data.pop("corrections"))
    add_passage(content, "Some, but not all NETs, respond to radiation therapy.",
                section="Radiation therapy", source=CANCER_CARE, topic="radiation_therapy")
    assert "added-passage" in load_error(content)


def test_a_correction_must_fix_something_in_its_source(content: Path) -> None:
    edit_yaml(content, KNOWLEDGE_FILE, lambda data: data["corrections"].append(
        {"source": IPSEN, "original": "tumuor", "corrected": "tumour"}))
    assert "corrections[2]" in load_error(content)


# --- page furniture and made-up text can never be quoted ---------------------------------------

FURNITURE = [
    ("We use cookies to ensure that we give you the best experience on our website.", IPSEN),
    ("Rate this content", IPSEN),
    ("Find a NETs Clinic", IPSEN),
    ("View Helen’s story >", IPSEN),
    ("This website is intended for an international audience, excluding the United States, "
     "Canada and France", IPSEN),
    ("Request an Appointment", CANCER_CARE),
    ("mobile header", CANCER_CARE),
    ("Life does not stop when cancer strikes.", CANCER_CARE),
]


@pytest.mark.parametrize("furniture, source", FURNITURE)
def test_page_furniture_is_never_traceable(kb: KnowledgeBase, furniture: str, source: str) -> None:
    assert not kb.is_traceable(furniture)


@pytest.mark.parametrize("furniture, source", FURNITURE)
def test_a_passage_quoting_page_furniture_is_rejected(
    content: Path, furniture: str, source: str
) -> None:
    add_passage(content, furniture, source=source, section="Surgery")
    message = load_error(content)
    assert KNOWLEDGE_FILE in message and "added-passage" in message


@pytest.mark.parametrize(
    "text, section, reason",
    [
        ("Surgery is usually the best choice for treatment.", "Surgery", "paraphrase"),
        ("Surgery is usually the first choice for treatment", "Surgery", "cut mid-sentence"),
        ("surgery may still be possible to remove part of the tumour and any other secondary "
         "tumours.", "Surgery", "starts mid-sentence"),
        ("Surgery is usually the first choice for treatment. Very occasionally, a liver "
         "transplant may be considered.", "Surgery", "two sentences spliced"),
        ("Chemotherapy can be used alone to treat NETs, or together with other treatments and "
         "procedures overviewed in this section.", "Surgery", "wrong section"),
        ("Most NETs are very slow growing.", "Treatment options for NETs", "a patient's words"),
    ],
)
def test_text_not_quoted_whole_from_its_section_is_rejected(
    content: Path, text: str, section: str, reason: str
) -> None:
    add_passage(content, text, section=section)
    assert "added-passage" in load_error(content), reason


def test_a_heading_that_is_no_heading_of_the_source_is_rejected(content: Path) -> None:
    add_passage(content, "The treatment options for NETs are:", source=CANCER_CARE,
                section="Treatment", items=["Surgery", "Homeopathy"])
    assert "Homeopathy" in load_error(content)


# --- broken files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d["treatments"].update(homeopathy={"what_is": []}), "homeopathy"),
        (lambda d: d["treatments"]["surgery"].update(recovery=[]), "recovery"),
        (lambda d: d["treatments"]["surgery"].update(side_effects=[]), "covered: false"),
        (lambda d: d["treatments"]["surgery"]["what_is"][0].update(source="wikipedia"),
         "wikipedia"),
        (lambda d: d["treatments"]["surgery"]["what_is"][0].update(section="Recovery"),
         "Recovery"),
        (lambda d: d["treatments"]["surgery"]["what_is"][0].update(text=" "), "no text"),
        (lambda d: d["treatments"]["surgery"]["what_is"][1].update(
            id=d["treatments"]["surgery"]["what_is"][0]["id"]), "duplicate id"),
        (lambda d: d["treatments"]["surgery"]["what_is"][0].update(also=["cost"]), "cost"),
        (lambda d: d["patient_quotes"][0].update(topics=["homeopathy"]), "homeopathy"),
        (lambda d: d["patient_quotes"][0].update(person="Doctor Who"), "person"),
    ],
)
def test_broken_knowledge_names_the_file_and_entry(
    content: Path, change: Callable[[dict], None], expected: str
) -> None:
    edit_yaml(content, KNOWLEDGE_FILE, change)
    message = load_error(content)
    assert KNOWLEDGE_FILE in message and expected in message


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d["sources"][0].update(quotable_to="Not on the page"), "quotable_to"),
        (lambda d: d["sources"][0].update(quotable_from="NETs"), "quotable_from"),
        (lambda d: d["sources"][0].update(file="sources/missing.txt"), "missing.txt"),
        (lambda d: d["sources"][0].update(exclude=["Not on the page"]), "Not on the page"),
        (lambda d: d["sources"][0]["sections"].append("Recovery"), "Recovery"),
        (lambda d: d["sources"][1].pop("publisher"), "publisher"),
    ],
)
def test_broken_sources_name_the_file_and_entry(
    content: Path, change: Callable[[dict], None], expected: str
) -> None:
    edit_yaml(content, SOURCES_FILE, change)
    message = load_error(content)
    assert SOURCES_FILE in message and expected in message


@pytest.mark.parametrize("name", [KNOWLEDGE_FILE, SOURCES_FILE])
def test_missing_or_invalid_files_are_named(content: Path, name: str) -> None:
    (content / name).write_text("treatments: [unclosed", encoding="utf-8")
    assert name in load_error(content)
    (content / name).unlink()
    assert name in load_error(content)
