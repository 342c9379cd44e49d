"""The safety rules: every documented example, the loader's checks, and phrase lists.

The phrase lists (tests/safety_phrases.yml) were written in batches apart from the rules, and each batch was
measured before the rules were adjusted to it, so a new batch's first-look rates are the honest
estimate of how the rules do on unseen phrasings. General questions that only *look* personal must
never fire, personal questions must be labelled personal, emergencies must be labelled emergency.
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List, Optional, Tuple

import pytest
import spacy
import yaml
from spacy.language import Language

from net_assistant.content.loading import ContentError
from net_assistant.nlp import load_pipeline
from net_assistant.safety.matching import Assessment, SafetyRules, load_safety_rules
from net_assistant.safety.normalising import normalise_text
from net_assistant.safety.rules import EMERGENCY, HAND_OFF, PERSONAL, SAFETY_RULES_FILE


@pytest.fixture(scope="module")
def rules() -> SafetyRules:
    return load_safety_rules()


def _examples(kind: str) -> List[Tuple[str, str]]:
    return [(rule.id, example) for rule in load_safety_rules().rules.values()
            for example in getattr(rule, kind)]


# ------------------------------------------------------------------ the file documents itself

@pytest.mark.parametrize("rule_id,example", _examples("examples_match"))
def test_rule_fires_on_its_examples(rules: SafetyRules, rule_id: str, example: str) -> None:
    assert rule_id in {verdict.rule_id for verdict in rules.verdicts(example)}
    assert rules.check(example).category == rules.rules[rule_id].category


@pytest.mark.parametrize("rule_id,example", _examples("examples_no_match"))
def test_rule_leaves_its_counter_examples_alone(rules: SafetyRules, rule_id: str,
                                                example: str) -> None:
    assert rule_id not in {verdict.rule_id for verdict in rules.verdicts(example)}


def _section_examples(kind: str) -> List[Tuple[str, str]]:
    return [(name, example) for name, section in load_safety_rules().sections.items()
            for example in getattr(section, kind)]


@pytest.mark.parametrize("section,example", _section_examples("examples_match"))
def test_section_matches_its_examples(rules: SafetyRules, section: str, example: str) -> None:
    assert rules.section_matches(section, example)


@pytest.mark.parametrize("section,example", _section_examples("examples_no_match"))
def test_section_leaves_its_counter_examples_alone(rules: SafetyRules, section: str,
                                                   example: str) -> None:
    assert not rules.section_matches(section, example)


# ------------------------------------------------------------------ three kinds of personal message

@pytest.mark.parametrize("message", [
    "My dad has just been diagnosed with a NET in his bowel. What treatments are there?",
    "I start lanreotide next week - how is it given?",
    "my dad's been told he might need prrt, what is it exactly",
    "my mum has just been diagnosed, what are the treatment options?",
])
def test_a_general_question_with_personal_context_is_answered(rules: SafetyRules,
                                                              message: str) -> None:
    assessment = rules.assess(message)
    assert assessment.verdict is None and assessment.personal_context


@pytest.mark.parametrize("message", [
    "my mum's Ki-67 is 15%, what does that mean?",
    "my dad has liver mets, what treatment can he have?",
    "which kind of NET is mine?",
    "will I get PRRT?",
    "my scan showed a spot on my liver, should I be worried?",
    "what treatment will my husband get next",
])
def test_a_request_for_advice_is_still_personal(rules: SafetyRules, message: str) -> None:
    assert rules.assess(message).verdict.category == PERSONAL


@pytest.mark.parametrize("story,question,personal", [
    ("She has flushing every day.", "What is lanreotide?", False),
    ("She has flushing every day.", "Is that normal?", True),
    ("she has flushing every day what is lanreotide", "", False),  # a question run on
    ("She has flushing every day, is that normal?", "", True),
    ("I wonder if she has flushing from it.", "What is lanreotide?", True),  # the story asks
])
def test_a_symptom_told_in_the_story_is_context_for_a_question_apart(
        rules: SafetyRules, story: str, question: str, personal: bool) -> None:
    """personal_own_symptoms is context_when_stated: a symptom stated in a sentence of its own
    beside a general question shows the person's case; asked about, it is a request."""
    assessment = rules.assess(f"{story} {question}".strip())
    assert assessment.personal_context
    assert (assessment.verdict is not None
            and assessment.verdict.rule_id == "personal_own_symptoms") == personal


@pytest.mark.parametrize("message,apart", [
    ("my dad has liver mets grade 2 what is tace", "what is tace"),
    ("my mum is 80, how is prrt given", "how is prrt given"),
    ("i dont know what is wrong with my mum", None),  # the question is part of the sentence
    ("my dad has liver mets what will happen to him", None),  # and asks about him
    ("my mum has a NET. for her, which is the better option?", None),  # "for her" leads in
])
def test_a_question_run_on_from_the_story_is_a_sentence_of_its_own(
        rules: SafetyRules, message: str, apart: Optional[str]) -> None:
    at = rules.assess(message).question_apart_at
    assert (message[at:] if at is not None else None) == apart


def test_a_plain_general_question_has_no_personal_context(rules: SafetyRules) -> None:
    assert rules.assess("how is lanreotide given?") == Assessment(
        None, False, medical=True, general_question_at=0, question_apart_at=0)


@pytest.mark.parametrize("message", [
    "my fishing net is torn", "my net curtains are mouldy what should i do",
    "how do I wash net curtains without them going grey", "I'm dying to know who won the match",
    "my net pay went down, should I worry",
])
def test_net_and_dying_look_alikes_never_fire(rules: SafetyRules, message: str) -> None:
    assert rules.check(message) is None


def test_every_category_has_rules(rules: SafetyRules) -> None:
    assert {rule.category for rule in rules.rules.values()} == {EMERGENCY, PERSONAL, *HAND_OFF}


def test_a_hand_off_never_outranks_a_personal_question(rules: SafetyRules) -> None:
    verdict = rules.check("should my dad have PRRT, and is there anyone he could talk to?")
    assert verdict.category == PERSONAL


# ------------------------------------------------------------------ matching behaviour

def test_emergency_beats_personal(rules: SafetyRules) -> None:
    message = "Should I stop my lanreotide? I can't breathe"
    categories = [verdict.category for verdict in rules.verdicts(message)]
    assert PERSONAL in categories
    assert rules.check(message).category == EMERGENCY


def test_verdict_names_the_rule_and_the_words(rules: SafetyRules) -> None:
    verdict = rules.check("Hello. Should my dad have PRRT?")
    assert verdict.rule_id in rules.rules
    assert verdict.matched_text and verdict.matched_text in "hello. should my dad have prrt?"


@pytest.mark.parametrize("text", ["", "   ", "?"])
def test_empty_messages_never_fire(rules: SafetyRules, text: str) -> None:
    assert rules.check(text) is None


@pytest.mark.parametrize("raw,normalised", [
    ("I CAN\u2019T   breathe", "i can not breathe"),
    ("i cant breath", "i can not breath"),
    ("I cannot breathe", "i can not breathe"),
    ("I DONT want to live", "i do not want to live"),
    ("im scared, ive got pain", "i am scared, i have got pain"),
    ("she\u2019s been sick, he's confused", "she has been sick, he is confused"),
    ("temp 39\u00b0C", "temp 39 degrees c"),
    ("temp 38,5", "temp 38.5"),
    ("fever of 102F", "fever of 102 degrees f"),
    ("120mg", "120 mg"),
    ("my Ki67 and ki 67", "my ki-67 and ki-67"),
    ("I wanna die", "i want to die"),
    ("r there tablets for the runs that NET ppl use? pls", "are there tablets for the runs that "
     "net people use? please"),
    ("can u tell me, r u a person? coz im lost", "can you tell me, are you a person? because "
     "i am lost"),
    ("wat are these symptom meds for", "what are these symptom meds for"),
])
def test_normalise_text(raw: str, normalised: str) -> None:
    assert normalise_text(raw) == normalised


def test_a_parsed_doc_gives_the_same_verdict_as_its_text(rules: SafetyRules) -> None:
    text = "should i stop taking lanreotide"
    assert rules.check(load_pipeline()(text)) == rules.check(text)


def test_a_doc_without_lemmas_or_entities_is_parsed_again(rules: SafetyRules) -> None:
    """A doc from another pipeline (no lemmatizer, no entity ruler) must not silently miss."""
    text = "I'm thinking of stopping my octreotide"
    bare_doc = spacy.blank("en")(text.lower())
    assert not bare_doc.has_annotation("LEMMA")
    verdict = rules.check(bare_doc)
    assert verdict is not None and verdict.category == PERSONAL


def test_rules_accept_a_pipeline_passed_in() -> None:
    nlp = load_pipeline()
    assert load_safety_rules(nlp=nlp).nlp is nlp


# ------------------------------------------------------------------ broken rule files

VALID_RULES = """
    word_lists:
      person: [i, we]
    rules:
      - id: demo_rule
        category: personal
        description: Asking what they should do.
        patterns:
          - [{LOWER: should}, {LOWER: {IN: $person}}]
        examples_match: [should I]
        examples_no_match: [should you]
"""


def write_rules(tmp_path: Path, text: str) -> Path:
    (tmp_path / SAFETY_RULES_FILE).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def test_a_valid_temp_file_is_the_one_used(tmp_path: Path, nlp: Language) -> None:
    loaded = load_safety_rules(write_rules(tmp_path, VALID_RULES), nlp=nlp)
    assert list(loaded.rules) == ["demo_rule"]
    assert loaded.check("Should we?").rule_id == "demo_rule"
    assert loaded.check("I can't breathe") is None


@pytest.mark.parametrize("old,new,expected", [
    ("category: personal", "category: urgent", "demo_rule"),
    ("{LOWER: should}", "{LOWR: should}", "demo_rule"),
    ("{LOWER: should}", '{LOWER: should, OP: "*+"}', "demo_rule"),
    ("$person", "$people", "unknown word list '$people'"),
    ("{LOWER: should}", "{LOWER: Should}", "'Should' must be lower case"),
    ("{LOWER: should}", "{LOWER: on}", "in quotes"),
    ("examples_match: [should I]", "examples_match: []", "examples_match"),
    ("description: Asking what they should do.", "description: ''", "description"),
    ("examples_no_match:", "example_no_match:", "unknown keys"),
    ("- [{LOWER: should}, {LOWER: {IN: $person}}]", "- []", "demo_rule"),
    ("person: [i, we]", "person: [i, $person]", "circle"),
])
def test_broken_rules_are_reported_by_name(tmp_path: Path, nlp: Language, old: str, new: str,
                                           expected: str) -> None:
    assert old in VALID_RULES
    content_dir = write_rules(tmp_path, VALID_RULES.replace(old, new))
    with pytest.raises(ContentError, match="safety_rules.yml") as error:
        load_safety_rules(content_dir, nlp=nlp)
    assert expected in str(error.value)


def test_duplicate_rule_ids_are_rejected(tmp_path: Path, nlp: Language) -> None:
    rule = VALID_RULES.split("rules:")[1]
    with pytest.raises(ContentError, match="duplicate rule ids"):
        load_safety_rules(write_rules(tmp_path, VALID_RULES + rule), nlp=nlp)


def test_a_missing_file_is_a_content_error(tmp_path: Path, nlp: Language) -> None:
    with pytest.raises(ContentError, match="not found"):
        load_safety_rules(tmp_path, nlp=nlp)


# ------------------------------------------------------------------ medical context

CONTEXT_RULES = """
    word_lists:
      health: [tablets, scan]
    medical_context:
      description: Health words and treatments.
      patterns:
        - [{LOWER: {IN: $health}}]
        - [{ENT_TYPE: treatment}]
      words_allowed_alone: [what, now]
    rules:
      - id: demo_should
        category: personal
        needs_medical_context: true
        description: Asking what they should take.
        patterns:
          - [{LOWER: should}, {LOWER: i}, {LOWER: {IN: [take, bring]}}]
          - [{LOWER: which}, {OP: "?"}, {LOWER: should}, {LOWER: i}, {LOWER: take}]
        examples_match: ["should I take my tablets?"]
        examples_no_match: ["should I take a coat?"]
"""


@pytest.mark.parametrize("message,fires", [
    ("should I take my tablets?", True),           # a health word
    ("should I bring my lanreotide?", True),       # a treatment entity
    ("should I take a coat?", False),              # nothing about health
    ("Should I take?", True),                      # nothing beyond the rule's words
    ("what should I take now", True),              # ... and words allowed alone
    ("which scan should I take", True),
    ("which coat should I take", False),           # a word the wildcard took is not the rule's
])
def test_a_rule_needing_medical_context(tmp_path: Path, nlp: Language, message: str,
                                        fires: bool) -> None:
    loaded = load_safety_rules(write_rules(tmp_path, CONTEXT_RULES), nlp=nlp)
    assert (loaded.check(message) is not None) == fires


def test_without_the_flag_the_rule_needs_no_context(tmp_path: Path, nlp: Language) -> None:
    text = CONTEXT_RULES.replace("needs_medical_context: true", "needs_medical_context: false")
    loaded = load_safety_rules(write_rules(tmp_path, text), nlp=nlp)
    assert loaded.check("should I take a coat?").rule_id == "demo_should"


def test_the_real_personal_rules_need_medical_context(rules: SafetyRules) -> None:
    personal = [rule for rule in rules.rules.values() if rule.category == PERSONAL]
    assert personal and all(rule.needs_medical_context for rule in personal)
    assert rules.check("should I bring an umbrella tomorrow?") is None
    assert rules.check("should I bring my lanreotide on holiday?").category == PERSONAL


@pytest.mark.parametrize("old,new,expected", [
    ("needs_medical_context: true", "needs_medical_context: maybe", "true or false"),
    ("words_allowed_alone: [what, now]", "words_allowed_alone: [What, now]", "lower case"),
    ("words_allowed_alone: [what, now]", "words_allowed_alon: [what, now]", "unknown keys"),
    ("description: Health words and treatments.", "description: ''", "description"),
    ("- [{LOWER: {IN: $health}}]", "- [{LOWR: {IN: $health}}]", "medical_context"),
])
def test_broken_medical_context_is_reported(tmp_path: Path, nlp: Language, old: str, new: str,
                                            expected: str) -> None:
    assert old in CONTEXT_RULES
    content_dir = write_rules(tmp_path, CONTEXT_RULES.replace(old, new))
    with pytest.raises(ContentError, match="safety_rules.yml") as error:
        load_safety_rules(content_dir, nlp=nlp)
    assert expected in str(error.value)


def test_a_rule_needing_context_needs_the_context_section(tmp_path: Path, nlp: Language) -> None:
    text = CONTEXT_RULES.split("    rules:")[0].split("    medical_context:")[0] + \
        "    rules:" + CONTEXT_RULES.split("    rules:")[1]
    with pytest.raises(ContentError, match="demo_should"):
        load_safety_rules(write_rules(tmp_path, text), nlp=nlp)


# ------------------------------------------------------------------ phrase lists

PHRASES_FILE = Path(__file__).parent / "safety_phrases.yml"
PHRASES = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
GENERAL_QUESTIONS = PHRASES["general_questions"]
PERSONAL_QUESTIONS = PHRASES["personal_questions"]
EMERGENCIES = PHRASES["emergencies"]
NON_MEDICAL_QUESTIONS = PHRASES["non_medical_questions"]
CONTEXT_QUESTIONS = PHRASES["context_questions"]


@pytest.mark.parametrize("question", GENERAL_QUESTIONS)
def test_general_question_never_fires(rules: SafetyRules, question: str) -> None:
    assert not escalates(rules, question)


@pytest.mark.parametrize("question", PERSONAL_QUESTIONS)
def test_personal_question_is_personal(rules: SafetyRules, question: str) -> None:
    verdict = rules.check(question)
    assert verdict is not None and verdict.category == PERSONAL, verdict


@pytest.mark.parametrize("question", CONTEXT_QUESTIONS)
def test_general_question_beside_personal_context_is_answered(rules: SafetyRules,
                                                              question: str) -> None:
    assessment = rules.assess(question)
    assert assessment.personal_context and not escalates(rules, question), assessment


@pytest.mark.parametrize("question", NON_MEDICAL_QUESTIONS)
def test_non_medical_question_never_fires(rules: SafetyRules, question: str) -> None:
    assert not escalates(rules, question)


def escalates(rules: SafetyRules, message: str) -> bool:
    """Whether the rules send the message to the care team or to emergency services (a
    hand-off to support groups or the centre finder is no escalation)."""
    verdict = rules.check(message)
    return verdict is not None and verdict.category not in HAND_OFF


@pytest.mark.parametrize("message", EMERGENCIES)
def test_emergency_is_emergency(rules: SafetyRules, message: str) -> None:
    verdict = rules.check(message)
    assert verdict is not None and verdict.category == EMERGENCY, verdict


def test_phrase_lists_are_big_enough() -> None:
    assert len(GENERAL_QUESTIONS) >= 40 and len(PERSONAL_QUESTIONS) >= 40
    assert len(EMERGENCIES) >= 20 and len(NON_MEDICAL_QUESTIONS) >= 40
    assert len(CONTEXT_QUESTIONS) >= 40


@pytest.mark.parametrize("message, apart", [
    ("my mum's NET has spread to her liver. Why TACE and not surgery?", True),
    ("my mum's NET has spread to her liver. I'd like to understand how TACE is done.", True),
    ("are NETs hereditary? my cousin has MEN1", True),
    ("my mum's NET has spread to her liver. Would TACE help her?", False),  # names her
    ("my mum's NET has spread to her liver. Is that bad?", False),  # asks what it means
    ("my mum's NET has spread to her liver.", False),  # asks nothing
    ("should my wife have PRRT? what is it?", False),  # a request for advice
    ("my mum's NET has spread to her liver. Why TACE and not surgery??", True),  # "??" ends it
])
def test_a_last_question_that_names_nobody_is_apart_from_the_context(
        rules: SafetyRules, message: str, apart: bool) -> None:
    assert (rules.assess(message).question_apart_at is not None) is apart


def test_the_question_apart_starts_where_the_last_question_does(rules: SafetyRules) -> None:
    """Repeated closing marks end one sentence: "??" is not a question of its own."""
    message = "my mum's NET has spread to her liver. Why TACE and not surgery??"
    assert rules.assess(message).question_apart_at == message.index("Why")


@pytest.mark.parametrize("message, term", [
    ("my dad's NET has spread and the doctor mentioned 'zapping the liver'. what does that even "
     "mean", "zapping the liver"),
    ("My sister was told she is \u2018under observation\u2019 for her NET. What does that mean?",
     "under observation"),
])
def test_a_quoted_treatment_term_asked_about_is_a_question_about_the_term(
        rules: SafetyRules, message: str, term: str) -> None:
    """The question is taken to start at the quoted term, so the term is what is answered."""
    assessment = rules.assess(message)
    assert assessment.question_apart_at is not None
    assert normalise_text(message)[assessment.question_apart_at:].startswith(term)


@pytest.mark.parametrize("message", [
    "my report says 'stable disease', what does that mean?",
    "the doctor mentioned 'PRRT' for my dad. what does that mean for him?",
])
def test_a_quoted_result_or_a_question_about_the_person_stays_a_request(
        rules: SafetyRules, message: str) -> None:
    assessment = rules.assess(message)
    assert assessment.question_apart_at is None and escalates(rules, message)
