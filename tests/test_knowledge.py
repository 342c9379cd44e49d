"""The knowledge base says only what the sources say, whole and traceable, and says where from."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Callable

import pytest
import yaml

from net_assistant.knowledge.citations import citation_text, quote_text
from net_assistant.content.loading import CONTENT_DIR, ContentError
from net_assistant.knowledge.sources import (
    KNOWLEDGE_FILE,
    SOURCES_FILE,
    KnowledgeBase,
    load_knowledge,
)
from net_assistant.knowledge.terminology import load_terminology
from tests.conftest import WORDING

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


def test_observation_is_covered_only_as_patient_experience(kb: KnowledgeBase) -> None:
    for topic in ONLY_PATIENT_EXPERIENCE:
        assert kb.aspects_for(topic) == ()
    quotes = " ".join(quote.text for quote in kb.patient_quotes("observation"))
    assert "does not mean that you are not receiving any treatment" in quotes


def test_patient_quotes_are_labelled_and_never_part_of_an_answer(kb: KnowledgeBase) -> None:
    quotes = list(kb.quotes)
    assert {quote.person for quote in quotes} >= {"Helen, Living with NETs"}
    for quote in quotes:
        labelled = quote_text(quote, WORDING)
        assert labelled.startswith("A patient's experience") and quote.person in labelled
        assert citation_text(kb.cited([quote]), WORDING).startswith("Source: ")
    for passage in kb.passages:
        assert not any(quote.text[:60] in passage.text for quote in quotes)


# --- every answer is quoted, whole and short enough ------------------------------------------


def test_every_passage_and_patient_quote_is_traceable(kb: KnowledgeBase) -> None:
    assert kb.passages
    for passage in kb.passages:
        assert kb.is_traceable(passage.text), passage.id
    for quote in kb.quotes:
        assert kb.is_traceable(quote.text), quote.id


# --- corrections -------------------------------------------------------------------------------


def test_listed_corrections_are_applied_to_every_passage(kb: KnowledgeBase) -> None:
    texts = {p.id: p.text for p in kb.passages}
    assert "Some, but not all NETs, respond" in texts["radiation-some-nets-respond"]
    assert "Peptide receptor radionuclide therapy (PRRT)" in texts["prrt-radionuclide-therapy-cancer-care"]
    assert not any("PPRT" in text or "NTEs" in text for text in texts.values())


def test_a_correction_not_in_the_list_fails_tracing(kb: KnowledgeBase) -> None:
    quoted = kb.passage("prrt-advanced-nets").text
    assert "tumors" in quoted and kb.is_traceable(quoted)
    assert not kb.is_traceable(quoted.replace("tumors", "tumours"))
    assert not kb.is_traceable("Some, but not all NETs, respond to radiation therapy".replace(
        "radiation", "radiotherapy"))


def test_without_the_corrections_list_the_typo_is_shown(content: Path) -> None:
    edit_yaml(content, KNOWLEDGE_FILE, lambda data: data.pop("corrections"))
    assert "(PPRT)" in load_knowledge(content).passage("prrt-radionuclide-therapy-cancer-care").text


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
        (lambda d: d["treatments"]["surgery"]["what_is"][0].update(text=" "),
         "text: must not be empty"),
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


PASSAGE = r"treatments\.surgery\.what_is\[0\] \(surgery-major-role\)"


@pytest.mark.parametrize(
    "name, change, expected",
    [
        (SOURCES_FILE, lambda d: d["sources"][0].update(titel="Treatment"),
         rf"{SOURCES_FILE}: sources\[0\] \({IPSEN}\)\.titel: is not a known key"),
        (SOURCES_FILE, lambda d: d["sources"][1].update(sections="Treatment"),
         rf"{SOURCES_FILE}: sources\[1\] \({CANCER_CARE}\)\.sections: must be a list"),
        (KNOWLEDGE_FILE, lambda d: d["treatments"]["surgery"]["what_is"][0].update(fokus=["x"]),
         rf"{KNOWLEDGE_FILE}: {PASSAGE}\.fokus: is not a known key"),
        (KNOWLEDGE_FILE, lambda d: d["treatments"]["surgery"]["what_is"][0].update(text=42),
         rf"{KNOWLEDGE_FILE}: {PASSAGE}\.text: must be text"),
        (KNOWLEDGE_FILE, lambda d: d["corrections"][0].update(orginal="NTEs"),
         rf"{KNOWLEDGE_FILE}: corrections\[0\]\.orginal: is not a known key"),
        (KNOWLEDGE_FILE, lambda d: d["patient_quotes"][1].update(topics="surgery"),
         rf"{KNOWLEDGE_FILE}: patient_quotes\[1\] \(patient-monitored-after-surgery\)"
         r"\.topics: must be a list"),
        (KNOWLEDGE_FILE, lambda d: d.update(patient_quote=[]),
         rf"{KNOWLEDGE_FILE}: patient_quote: is not a known key"),
    ],
)
def test_typos_and_wrong_types_name_the_file_and_key_path(
    content: Path, name: str, change: Callable[[dict], None], expected: str
) -> None:
    edit_yaml(content, name, change)
    assert re.match(expected, load_error(content))


def test_a_list_left_blank_reads_as_empty(content: Path, kb: KnowledgeBase) -> None:
    edit_yaml(content, SOURCES_FILE, lambda d: d["sources"][1].update(exclude=None))
    edit_yaml(content, KNOWLEDGE_FILE, lambda d: d["treatments"]["surgery"]["what_is"][0].update(
        also=None))
    copy = load_knowledge(content)
    assert copy.passage("surgery-major-role").aspects == ("what_is",)
    assert copy.sources[CANCER_CARE].body == kb.sources[CANCER_CARE].body


@pytest.mark.parametrize("name", [KNOWLEDGE_FILE, SOURCES_FILE])
def test_missing_or_invalid_files_are_named(content: Path, name: str) -> None:
    (content / name).write_text("treatments: [unclosed", encoding="utf-8")
    assert name in load_error(content)
    (content / name).unlink()
    assert name in load_error(content)
