import pytest

from net_assistant.content.loading import ContentError, load_yaml
from net_assistant.knowledge.terminology import ASPECT_PRIORITY, load_terminology, parse_terminology

DRUGS_AND_ABBREVIATIONS = {
    "octreotide": "somatostatin_analogues",
    "Lanreotide": "somatostatin_analogues",
    "SSA": "somatostatin_analogues",
    "everolimus": "targeted_therapy",
    "sunitinib": "targeted_therapy",
    "capecitabine": "chemotherapy",
    "temozolomide": "chemotherapy",
    "Lutathera": "prrt",
    "lutetium": "prrt",
    "PPRT": "prrt",
    "TACE": "liver_directed_therapy",
    "IORT": "radiation_therapy",
    "EBRT": "radiation_therapy",
    "Whipple procedure": "surgery",
}


def test_every_treatment_and_aspect_has_a_name_and_terms():
    terminology = load_terminology()
    assert len(terminology.treatments) == 13
    assert set(terminology.aspects) == set(ASPECT_PRIORITY)
    for entry in [*terminology.treatments.values(), *terminology.aspects.values()]:
        assert entry.terms


@pytest.mark.parametrize("term, treatment", DRUGS_AND_ABBREVIATIONS.items())
def test_drug_names_and_abbreviations_map_to_their_treatment(term, treatment):
    assert load_terminology().treatment_for_term(term) == treatment


def test_canonical_ids_and_intents_map_to_themselves():
    terminology = load_terminology()
    for treatment in terminology.treatments.values():
        assert terminology.treatment_for_term(treatment.id) == treatment.id
        assert terminology.treatment_for_intent(treatment.intent) == treatment.id
    assert terminology.treatment_for_intent("greet") is None


def test_uncovered_aspects_outrank_covered_ones():
    terminology = load_terminology()
    assert terminology.by_priority(["what_is", "side_effects"]) == ("side_effects", "what_is")
    assert terminology.by_priority(["what_is", "how_given", "what_is"]) == ("how_given", "what_is")
    assert terminology.by_priority([]) == ()
    assert not terminology.aspects["cost"].covered and terminology.aspects["goal"].covered


def test_word_equivalents_map_each_word_to_its_group():
    equivalents = load_terminology().word_equivalents
    assert equivalents["jab"] == equivalents["injection"] == "injection"
    assert equivalents["op"] == "surgery"


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(word_equivalents=[["jab", "injection"], ["jab", "shot"]]), "two groups"),
    (lambda d: d.update(word_equivalents=[["weekly jab", "injection"]]), "single words"),
    (lambda d: d.update(word_equivalents="jab"), "word_equivalents: must be a list"),
    (lambda d: d["treatments"]["prrt"].update(nmae="PRRT"), r"treatments\.prrt\.nmae: is not a known key"),
    (lambda d: d["aspects"]["cost"].update(covered="yes please"), r"aspects\.cost\.covered"),
])
def test_broken_word_equivalents_are_reported(change, message):
    data = load_yaml("terminology.yml")
    change(data)
    with pytest.raises(ContentError, match=message):
        parse_terminology(data)


def test_a_term_listed_for_two_treatments_is_rejected():
    data = load_yaml("terminology.yml")
    data["treatments"]["prrt"]["terms"].append("chemo")
    with pytest.raises(ContentError, match="'chemo'.*chemotherapy.*prrt"):
        parse_terminology(data)


def test_an_aspect_without_covered_flag_is_rejected():
    data = load_yaml("terminology.yml")
    del data["aspects"]["cost"]["covered"]
    with pytest.raises(ContentError, match="aspects.cost"):
        parse_terminology(data)
