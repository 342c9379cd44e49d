"""The project's own spaCy pipeline: lemmas and the terminology entity ruler."""
import pytest

from net_assistant.nlp import PIPELINE_DIR, build_pipeline, load_pipeline
from net_assistant.knowledge.terminology import load_terminology


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(load_terminology())


def entities(nlp, text):
    return [(ent.text, ent.label_, ent.ent_id_) for ent in nlp(text).ents]


def test_the_ruler_keeps_its_patterns_after_initialisation(nlp):
    assert len(nlp.get_pipe("entity_ruler")) > 400


def test_drug_names_are_treatment_entities_with_canonical_ids(nlp):
    found = entities(nlp, "My mum is on Lanreotide and her doctor mentioned Lutathera")
    assert ("Lanreotide", "treatment", "somatostatin_analogues") in found
    assert ("Lutathera", "treatment", "prrt") in found


def test_matching_ignores_case_and_prefers_the_longest_term(nlp):
    found = entities(nlp, "WHAT IS EXTERNAL BEAM RADIOTHERAPY")
    assert ("EXTERNAL BEAM RADIOTHERAPY", "treatment", "radiation_therapy") in found


def test_aspects_are_entities_too(nlp):
    found = entities(nlp, "how is chemo given? any side effects?")
    assert ("given", "aspect", "how_given") in found
    assert ("side effects", "aspect", "side_effects") in found


def test_misspellings_listed_in_the_terminology_are_recognised(nlp):
    assert entities(nlp, "is chemotheraphy a tablet")[0][2] == "chemotherapy"


def test_the_lookup_lemmatizer_gives_lemmas(nlp):
    assert [token.lemma_ for token in nlp("injections were given")] == ["injection", "be", "give"]


def test_the_built_pipeline_on_disk_loads_with_the_same_patterns(nlp):
    assert PIPELINE_DIR.exists(), "run `make setup` first"
    assert len(load_pipeline().get_pipe("entity_ruler")) == len(nlp.get_pipe("entity_ruler"))


@pytest.mark.parametrize("text, treatment", [
    ("zapping liver tumours, how does that work?", "liver_directed_therapy"),
    ("Is cutting it out always possible?", "surgery"),
    ("are there medicines just for symptoms like that?", "symptom_medications"),
    ("what's on the horizon for neuroendocrine treatment?", "treatments_under_development"),
    ("are there non-surgical treatments for NETs?", "treatment_options"),
])
def test_lay_words_for_a_treatment_name_it(nlp, text, treatment):
    assert treatment in [ent_id for _, label, ent_id in entities(nlp, text) if label == "treatment"]
