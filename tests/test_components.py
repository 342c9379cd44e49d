"""The safety rule layer inside Rasa: real Messages, real SpacyNLP/SpacyTokenizer/FallbackClassifier.

DIET is not trained here: each test states what DIET predicted (intent and ranking) and checks
what the layer makes of it, which is the layer's whole contract.
"""
from __future__ import annotations

import copy
from typing import Dict, List, Optional, Tuple

import pytest
import rasa.shared.utils.io
from rasa.engine import validation
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from net_assistant.rasa_adapters.components import (
    EMERGENCY_INTENT,
    LANGUAGE_KEY,
    OTHER_LANGUAGE_INTENT,
    PERSONAL_CONTEXT_KEY,
    PERSONAL_INTENT,
    SAFETY_RULE_KEY,
    LanguageIdentifier,
    NamedTreatmentConfirmation,
    SafetyRuleLayer,
)
from net_assistant.content.loading import PROJECT_DIR
from net_assistant.nlp import PIPELINE_DIR
from net_assistant.safety.matching import load_safety_rules

Ranking = List[Tuple[str, float]]


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Dict:
    return {
        "model_storage": LocalModelStorage(tmp_path_factory.mktemp("storage")),
        "resource": Resource("safety"),
        "execution_context": ExecutionContext(GraphSchema({}), "test"),
    }


@pytest.fixture(scope="module")
def spacy_nlp(context: Dict) -> Tuple[SpacyNLP, SpacyModel]:
    config = {**SpacyNLP.get_default_config(), "model": str(PIPELINE_DIR)}
    component = SpacyNLP.create(config, **context)
    return component, component.provide()


@pytest.fixture(scope="module")
def layer(context: Dict) -> SafetyRuleLayer:
    return SafetyRuleLayer.create(SafetyRuleLayer.get_default_config(), **context)


@pytest.fixture(scope="module")
def fallback(context: Dict) -> FallbackClassifier:
    config = {**FallbackClassifier.get_default_config(), "threshold": 0.5,
              "ambiguity_threshold": 0.1}
    return FallbackClassifier.create(config, **context)


def diet_output(text: str, ranking: Ranking, spacy_nlp: Optional[Tuple] = None,
                context: Optional[Dict] = None) -> Message:
    """A message as it leaves DIET: spaCy doc and tokens (if given), intent and ranking."""
    message = Message({TEXT: text})
    if spacy_nlp is not None:
        component, model = spacy_nlp
        component.process([message], model)
        SpacyTokenizer.create(SpacyTokenizer.get_default_config(), **context).process([message])
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set(INTENT, dict(entries[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(entry) for entry in entries], add_to_output=True)
    return message


@pytest.fixture
def make_message(spacy_nlp: Tuple, context: Dict):
    return lambda text, ranking: diet_output(text, ranking, spacy_nlp, context)


def names(message: Message) -> List[str]:
    return [entry["name"] for entry in message.get(INTENT_RANKING_KEY)]


def with_treatments(message: Message, *terms: str) -> Message:
    """The treatment entities the entity ruler would find for ``terms`` (each once, in order)."""
    text, entities, start = message.get(TEXT), [], 0
    for term in terms:
        start = text.index(term, start)
        entities.append({"entity": "treatment", "value": term, "start": start,
                         "end": start + len(term)})
        start += len(term)
    message.set("entities", entities)
    return message


def test_messages_carry_the_spacy_doc_the_layer_can_reuse(make_message) -> None:
    message = make_message("should i have prrt?", [("ask_prrt", 0.9)])
    doc = message.get(SPACY_DOCS[TEXT])
    assert doc is not None and doc.has_annotation("LEMMA")
    assert load_safety_rules().check(doc).category == "personal"


def test_personal_question_is_relabelled_with_the_original_ranking_after(
        layer: SafetyRuleLayer, make_message) -> None:
    ranking = [("ask_prrt", 0.81), ("ask_followup", 0.12), ("personal_medical_question", 0.05),
               ("greet", 0.02)]
    message = make_message("Should I have PRRT?", ranking)
    layer.process([message])
    assert message.get(INTENT) == {"name": PERSONAL_INTENT, "confidence": 1.0}
    assert names(message) == [PERSONAL_INTENT, "ask_prrt", "ask_followup", "greet"]
    assert message.get(INTENT_RANKING_KEY)[1]["confidence"] == 0.81


def test_the_rule_that_fired_reaches_the_parse_data(layer: SafetyRuleLayer, make_message) -> None:
    """The processor builds parse_data from as_dict(only_output_properties=True)."""
    message = make_message("my mum's Ki-67 is 15%, what does that mean?", [("ask_followup", 0.7)])
    layer.process([message])
    parse_data = message.as_dict(only_output_properties=True)
    assert parse_data[INTENT]["name"] == PERSONAL_INTENT
    fired = parse_data[SAFETY_RULE_KEY]
    assert fired["category"] == "personal"
    assert fired["rule_id"] in load_safety_rules().rules
    assert "ki-67" in fired["matched_text"]


def test_emergency_overrides_any_intent(layer: SafetyRuleLayer, make_message) -> None:
    message = make_message("I can’t breathe and my chest hurts",
                           [("personal_medical_question", 0.95), ("emergency", 0.03)])
    layer.process([message])
    assert message.get(INTENT) == {"name": EMERGENCY_INTENT, "confidence": 1.0}
    assert names(message) == [EMERGENCY_INTENT, "personal_medical_question"]
    assert message.get(SAFETY_RULE_KEY)["category"] == "emergency"


def test_personal_rule_does_not_downgrade_an_emergency(layer: SafetyRuleLayer,
                                                       make_message) -> None:
    ranking = [("emergency", 0.88), ("personal_medical_question", 0.1)]
    message = make_message("should I stop my lanreotide?", ranking)
    before = copy.deepcopy(message.data[INTENT_RANKING_KEY])
    layer.process([message])
    assert message.get(INTENT)["name"] == EMERGENCY_INTENT
    assert message.get(INTENT_RANKING_KEY) == before
    assert message.get(SAFETY_RULE_KEY) is None


def test_untouched_when_no_rule_fires(layer: SafetyRuleLayer, make_message) -> None:
    ranking = [("ask_prrt", 0.9), ("ask_followup", 0.1)]
    message = make_message("Is surgery used when the tumour has spread?", ranking)
    before = copy.deepcopy(message.data)
    layer.process([message])
    assert message.data.keys() == before.keys()
    assert message.get(INTENT) == before[INTENT]
    assert message.get(INTENT_RANKING_KEY) == before[INTENT_RANKING_KEY]
    assert SAFETY_RULE_KEY not in message.as_dict(only_output_properties=True)


def test_diet_own_personal_prediction_stands_when_no_rule_fires(layer: SafetyRuleLayer,
                                                                make_message) -> None:
    ranking = [("personal_medical_question", 0.77), ("ask_prrt", 0.2)]
    message = make_message("PRRT for me in March then", ranking)
    layer.process([message])
    assert message.get(INTENT) == {"name": "personal_medical_question", "confidence": 0.77}


@pytest.mark.parametrize("text", [
    "My wife is booked for PRRT in March. How does the treatment work?",
    "my dad starts it next week, what is PRRT?",
    "What is PRRT? My dad is having it on Friday.",  # the context after the question
])
def test_a_general_question_that_only_diet_reads_as_personal_is_answered_in_context(
        layer: SafetyRuleLayer, make_message, text: str) -> None:
    """The rules decide what asks for advice; DIET also learns the person ("my wife")."""
    message = make_message(text, [("personal_medical_question", 0.8), ("ask_prrt", 0.15)])
    layer.process([message])
    assert message.get(INTENT)["name"] == "ask_prrt"
    assert message.get(PERSONAL_CONTEXT_KEY) is True
    assert message.get(SAFETY_RULE_KEY)["rule_id"] == "general_question_in_context"


def test_the_treatment_named_in_the_question_is_the_topic(layer: SafetyRuleLayer,
                                                          make_message) -> None:
    """ "…had a NET removed (surgery). Is chemo ever given after surgery?" asks about chemo."""
    message = make_message(
        "My son had his NET removed last year. Is chemo ever given after surgery?",
        [("personal_medical_question", 0.8), ("ask_surgery", 0.1), ("ask_chemotherapy", 0.05)])
    with_treatments(message, "removed", "chemo", "surgery")
    layer.process([message])
    assert message.get(INTENT)["name"] == "ask_chemotherapy"


@pytest.mark.parametrize("text, ranking", [
    # a personal rule fires: the request is the person's own
    ("should my wife have PRRT? how does it work?", [("personal_medical_question", 0.8),
                                                    ("ask_prrt", 0.15)]),
    # no treatment among the guesses: nothing to answer about
    ("my wife was told about it. how does it work?", [("personal_medical_question", 0.9),
                                                      ("greet", 0.05)]),
    # something else is asked after the general question
    ("My wife starts soon. How does PRRT work? Worth it?", [("personal_medical_question", 0.9),
                                                           ("ask_prrt", 0.05)]),
])
def test_diet_personal_reading_stands_without_a_topic_or_beside_a_personal_rule(
        layer: SafetyRuleLayer, make_message, text: str, ranking) -> None:
    message = make_message(text, ranking)
    layer.process([message])
    assert message.get(INTENT)["name"] == PERSONAL_INTENT


@pytest.mark.parametrize("text", [
    "my mum's NET has spread to her liver. Why TACE and not surgery?",
    "my mum's NET has spread to her liver. I'd like to understand how TACE is done.",  # asking phrase
])
def test_a_question_apart_from_context_is_answered_when_the_classifier_agrees(
        layer: SafetyRuleLayer, make_message, text: str) -> None:
    """Only context-only rules fired ("my dad's scan showed"), and the question names nobody."""
    message = make_message(text, [("ask_liver_directed_therapy", 0.7),
                                  ("personal_medical_question", 0.2)])
    layer.process([message])
    assert message.get(INTENT)["name"] == "ask_liver_directed_therapy"
    assert message.get(PERSONAL_CONTEXT_KEY) is True
    assert message.get(SAFETY_RULE_KEY)["rule_id"] == "question_apart_from_context"


def test_a_question_apart_from_context_that_names_a_treatment_is_answered_about_it(
        layer: SafetyRuleLayer, make_message) -> None:
    """The classifier reads the person ("my mum") as personal; the question names TACE and nobody."""
    text = "my mum's NET has spread to her liver. Why TACE and not surgery?"
    message = with_treatments(make_message(text, [("personal_medical_question", 0.8),
                                                  ("ask_surgery", 0.15)]), "TACE", "surgery")
    layer.process([message])
    assert message.get(INTENT)["name"] == "ask_liver_directed_therapy"
    assert message.get(PERSONAL_CONTEXT_KEY) is True
    assert message.get(SAFETY_RULE_KEY)["rule_id"] == "treatment_asked_apart_from_context"


def test_a_treatment_named_only_in_the_context_does_not_answer_a_personal_question(
        layer: SafetyRuleLayer, make_message) -> None:
    text = "my mum had TACE for her liver. What happens next?"
    message = with_treatments(make_message(text, [("personal_medical_question", 0.8),
                                                  ("ask_liver_directed_therapy", 0.15)]), "TACE")
    layer.process([message])
    assert message.get(INTENT)["name"] == PERSONAL_INTENT


@pytest.mark.parametrize("text, ranking", [
    # the question names the person
    ("my mum's NET has spread to her liver. Would TACE help her?",
     [("ask_liver_directed_therapy", 0.7), ("personal_medical_question", 0.2)]),
    # it asks what their situation means
    ("my mum's NET has spread to her liver. Is that bad?",
     [("ask_liver_directed_therapy", 0.7), ("personal_medical_question", 0.2)]),
    # the classifier reads a personal question that names no treatment
    ("my mum's NET has spread to her liver. What happens next?",
     [("personal_medical_question", 0.8), ("ask_liver_directed_therapy", 0.15)]),
    # nothing is asked
    ("my mum's NET has spread to her liver.",
     [("ask_liver_directed_therapy", 0.7), ("personal_medical_question", 0.2)]),
])
def test_context_that_comes_with_a_personal_question_still_goes_to_the_care_team(
        layer: SafetyRuleLayer, make_message, text: str, ranking) -> None:
    message = make_message(text, ranking)
    layer.process([message])
    assert message.get(INTENT)["name"] == PERSONAL_INTENT


def test_a_question_about_nets_but_not_treatment_is_declined(layer: SafetyRuleLayer,
                                                             make_message) -> None:
    """A treatment overview would not answer "can these tumours be inherited?"."""
    message = make_message("Can these tumors be inherited?", [("ask_treatment_options", 0.8)])
    layer.process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"
    assert message.get(SAFETY_RULE_KEY)["rule_id"] == "not_treatment"


@pytest.mark.parametrize("text", [
    "What happens after a diagnosis of a NET and how is it treated?",
    "what can be done about the symptoms of carcinoid syndrome?",
])
def test_a_question_about_nets_that_asks_about_treatment_keeps_its_treatment_reading(
        layer: SafetyRuleLayer, make_message, text: str) -> None:
    """Symptoms or a diagnosis beside a word that asks about treatment (treatment_word) is a
    treatment question: it is not declined as not_treatment."""
    message = make_message(text, [("ask_treatment_options", 0.8)])
    layer.process([message])
    assert message.get(INTENT)["name"] == "ask_treatment_options"


@pytest.mark.parametrize("text, ranking", [
    # read as a question about the assistant
    ("Can neuroendocrine tumors spread from person to person?",
     [("bot_challenge", 0.6), ("out_of_scope", 0.3)]),
    # read as personal, though no rule fires and nothing in it asks about a person
    ("What happens with a contrast MRI?", [("personal_medical_question", 0.8), ("out_of_scope", 0.1)]),
])
def test_a_question_about_nets_misread_as_about_the_bot_or_a_person_is_declined(
        layer: SafetyRuleLayer, make_message, text: str, ranking) -> None:
    message = make_message(text, ranking)
    layer.process([message])
    assert message.get(SAFETY_RULE_KEY)["rule_id"] == "not_treatment"
    assert message.get(INTENT)["name"] == "out_of_scope"


@pytest.mark.parametrize("text", [
    "how do i bleed a radiator",
    "I can't breathe for laughing",
    "I'm dying to know when the shop opens",
    "my net keeps dropping",
])
def test_an_emergency_reading_of_health_words_in_another_sense_is_declined(
        layer: SafetyRuleLayer, make_message, text: str) -> None:
    """The classifier's emergency reading gives way when the rules see only a harmless sense."""
    message = make_message(text, [("emergency", 0.7), ("out_of_scope", 0.2)])
    layer.process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"
    assert message.get(SAFETY_RULE_KEY)["rule_id"] == "harmless_sense"


@pytest.mark.parametrize("text,reading", [
    ("what is injection moulding", "ask_somatostatin_analogues"),
    ("is radiotherapy used for horses with sarcoids", "ask_radiation_therapy"),
    ("my cat has a lump on her tummy, should I take her to the vet", "personal_medical_question"),
])
def test_a_treatment_or_personal_reading_of_words_in_another_sense_is_declined(
        layer: SafetyRuleLayer, make_message, text: str, reading: str) -> None:
    message = make_message(text, [(reading, 0.7), ("out_of_scope", 0.2)])
    layer.process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"
    assert message.get(SAFETY_RULE_KEY)["rule_id"] == "harmless_sense"


@pytest.mark.parametrize("text", [
    "he's gone all floppy and won't answer",   # no rule, no look-alike: the classifier stands
    "I can't breathe for laughing but my chest really hurts and my lips are blue",
    "the printer is having a seizure and my dad has collapsed",
])
def test_an_emergency_reading_without_a_harmless_sense_alone_stands(
        layer: SafetyRuleLayer, make_message, text: str) -> None:
    message = make_message(text, [("emergency", 0.7), ("out_of_scope", 0.2)])
    layer.process([message])
    assert message.get(INTENT)["name"] == "emergency"


def test_a_question_about_nets_that_names_the_person_stays_with_the_care_team(
        layer: SafetyRuleLayer, make_message) -> None:
    message = make_message("NETs run in families, don't they? Will I get one too?",
                           [("personal_medical_question", 0.8), ("out_of_scope", 0.1)])
    layer.process([message])
    assert message.get(INTENT)["name"] == PERSONAL_INTENT


def test_a_question_about_nets_but_not_treatment_is_not_answered_in_context(
        layer: SafetyRuleLayer, make_message) -> None:
    """No treatment passage answers "what happens with a contrast MRI?", whoever asks."""
    message = make_message("My dad is having his first scan. What happens with a contrast MRI?",
                           [("personal_medical_question", 0.8), ("ask_treatment_options", 0.1)])
    layer.process([message])
    assert message.get(INTENT)["name"] == PERSONAL_INTENT


def test_a_question_that_names_a_treatment_keeps_its_treatment_reading(
        layer: SafetyRuleLayer, make_message) -> None:
    text = "is there a special diet during PRRT?"
    message = make_message(text, [("ask_prrt", 0.8)])
    message.set("entities", [{"entity": "treatment", "value": "PRRT", "start": text.index("PRRT"),
                              "end": len(text) - 1}])
    layer.process([message])
    assert message.get(INTENT)["name"] == "ask_prrt"


def test_relabels_after_the_fallback_classifier(layer: SafetyRuleLayer,
                                                fallback: FallbackClassifier,
                                                make_message) -> None:
    message = make_message("can i skip my injection this month", [("ask_somatostatin_analogues", 0.4),
                                                                  ("ask_followup", 0.35)])
    fallback.process([message])
    assert message.get(INTENT)["name"] == DEFAULT_NLU_FALLBACK_INTENT_NAME
    layer.process([message])
    assert names(message) == [PERSONAL_INTENT, DEFAULT_NLU_FALLBACK_INTENT_NAME,
                              "ask_somatostatin_analogues", "ask_followup"]


def test_personal_rule_relabels_an_uncertain_emergency_guess(
        layer: SafetyRuleLayer, fallback: FallbackClassifier, make_message) -> None:
    """nlu_fallback over DIET's 'emergency' guess: better the care team than "did you mean"."""
    message = make_message("should I go for chemo?", [("emergency", 0.45), ("ask_chemotherapy", 0.4)])
    fallback.process([message])
    layer.process([message])
    assert names(message)[:3] == [PERSONAL_INTENT, DEFAULT_NLU_FALLBACK_INTENT_NAME, EMERGENCY_INTENT]


def test_personal_rule_never_downgrades_a_confident_emergency(
        layer: SafetyRuleLayer, make_message) -> None:
    message = make_message("should I go for chemo?", [("emergency", 0.9), ("ask_chemotherapy", 0.1)])
    layer.process([message])
    assert names(message)[0] == EMERGENCY_INTENT


def test_works_on_text_only_messages(layer: SafetyRuleLayer) -> None:
    message = diet_output("I WANT TO KILL MYSELF", [("express_distress", 0.9)])
    assert message.get(SPACY_DOCS[TEXT]) is None
    layer.process([message])
    assert message.get(INTENT)["name"] == EMERGENCY_INTENT


def test_messages_without_text_are_skipped(layer: SafetyRuleLayer) -> None:
    message = Message({TEXT: ""})
    assert layer.process([message]) == [message]
    assert message.get(INTENT) is None


def test_config_runs_language_then_safety_right_after_the_fallback_classifier() -> None:
    config = rasa.shared.utils.io.read_config_file(PROJECT_DIR / "config.yml")
    model_config = DefaultV1Recipe().graph_config_for_recipe(
        copy.deepcopy(config), {}, training_type=TrainingType.BOTH
    )
    validation.validate(model_config)
    nodes = model_config.predict_schema.nodes
    (layer_node,) = [name for name, node in nodes.items() if node.uses is SafetyRuleLayer]
    (language_node,) = [name for name, node in nodes.items() if node.uses is LanguageIdentifier]
    (named_node,) = [name for name, node in nodes.items()
                     if node.uses is NamedTreatmentConfirmation]
    assert nodes[layer_node].needs["messages"] == language_node
    assert nodes[language_node].needs["messages"] == named_node
    assert nodes[named_node].needs["messages"].startswith("run_FallbackClassifier")


# --- personal context and other languages ------------------------------------------------------


def test_a_general_question_with_personal_context_is_marked_not_relabelled(
        layer: SafetyRuleLayer, make_message) -> None:
    message = make_message("My dad has just been diagnosed with a NET in his bowel. What "
                           "treatments are there?", [("ask_treatment_options", 0.8)])
    layer.process([message])
    assert message.get(INTENT)["name"] == "ask_treatment_options"
    assert message.get(PERSONAL_CONTEXT_KEY) is True


def test_a_request_for_advice_is_still_relabelled(layer: SafetyRuleLayer, make_message) -> None:
    message = make_message("my mum's Ki-67 is 15%, what does that mean?",
                           [("ask_treatment_options", 0.8)])
    layer.process([message])
    assert message.get(INTENT)["name"] == PERSONAL_INTENT


def test_a_general_question_has_no_personal_context(layer: SafetyRuleLayer, make_message) -> None:
    message = make_message("how is lanreotide given?", [("ask_somatostatin_analogues", 0.9)])
    layer.process([message])
    assert message.get(PERSONAL_CONTEXT_KEY) is None


def test_thanks_that_mention_a_relative_stay_thanks(layer: SafetyRuleLayer, make_message) -> None:
    message = make_message("thanks, that helps with my mum's scan next week", [("thank", 0.9)])
    layer.process([message])
    assert message.get(INTENT)["name"] == "thank"


@pytest.fixture(scope="module")
def language(context: Dict) -> LanguageIdentifier:
    return LanguageIdentifier.create({}, **context)


def test_another_language_is_labelled_with_the_language(language: LanguageIdentifier) -> None:
    message = diet_output("Welche Behandlungen gibt es für neuroendokrine Tumoren?",
                          [("ask_treatment_options", 0.7)])
    language.process([message])
    assert message.get(INTENT) == {"name": OTHER_LANGUAGE_INTENT, "confidence": 1.0}
    assert names(message)[1] == "ask_treatment_options"
    assert message.get(LANGUAGE_KEY)["code"] == "de" and "DE" in message.get(LANGUAGE_KEY)["countries"]


def test_english_is_left_alone(language: LanguageIdentifier) -> None:
    message = diet_output("what is PRRT and how is it given?", [("ask_prrt", 0.9)])
    language.process([message])
    assert message.get(INTENT)["name"] == "ask_prrt" and message.get(LANGUAGE_KEY) is None


def test_an_over_long_message_is_cut_for_every_later_component(
        context: Dict, layer: SafetyRuleLayer) -> None:
    from net_assistant.rasa_adapters.components import MessageLengthLimit
    from net_assistant.limits import MAX_MESSAGE_CHARS

    text = "I can't breathe " + "tell me about surgery " * 200
    message = Message({TEXT: text})
    MessageLengthLimit.create({}, **context).process([message])
    assert message.get(TEXT) == text[:MAX_MESSAGE_CHARS]
    message.set(INTENT, {"name": "ask_surgery", "confidence": 0.9})
    message.set(INTENT_RANKING_KEY, [{"name": "ask_surgery", "confidence": 0.9}])
    layer.process([message])
    assert message.get(INTENT)["name"] == EMERGENCY_INTENT


@pytest.mark.parametrize("hostile", ["?" * 16_000, "\U0001F600" * 10_000, "x" * 1_000_001])
def test_no_text_makes_the_safety_layer_slow(context: Dict, layer: SafetyRuleLayer,
                                             hostile: str, monkeypatch) -> None:
    """spaCy's tokenizer is quadratic in a run without spaces (16,000 "?" took 20 s): spaCy
    is never given more than a bounded text, with no long run, whatever the message."""
    from net_assistant.rasa_adapters.components import MessageLengthLimit
    from net_assistant.limits import MAX_MESSAGE_CHARS, MAX_RUN_CHARS

    parsed: List[str] = []
    nlp = layer.rules.nlp
    monkeypatch.setattr(layer.rules, "nlp", lambda text: parsed.append(text) or nlp(text))
    message = Message({TEXT: hostile})
    MessageLengthLimit.create({}, **context).process([message])
    layer.process([message])  # the text, not a doc: the layer parses it itself
    layer.rules.assess(hostile)  # and called directly on the whole text, too
    assert parsed and all(len(text.replace(" ", "")) <= MAX_MESSAGE_CHARS for text in parsed)
    assert all(len(run) <= MAX_RUN_CHARS for text in parsed for run in text.split())


def test_a_message_of_normal_length_is_left_alone(context: Dict) -> None:
    from net_assistant.rasa_adapters.components import MessageLengthLimit

    message = Message({TEXT: "what is PRRT?"})
    MessageLengthLimit.create({}, **context).process([message])
    assert message.get(TEXT) == "what is PRRT?"


@pytest.mark.parametrize("typed, read_as", [
    ("/greet", "greet"),
    ('/inform_country{"country":"x"}', 'inform_country{"country":"x"}'),
    ("  //emergency@1.0", "emergency@1.0"),
    ('/ask_prrt{"aspect": "I want to end it all"}', 'ask_prrt{"aspect": "I want to end it all"}'),
    ('/ask_prrt{"aspect":"how_given"}', 'ask_prrt{"aspect":"how_given"}'),  # not our spelling
])
def test_a_typed_intent_is_read_as_text(context: Dict, typed: str, read_as: str) -> None:
    from net_assistant.rasa_adapters.components import TypedCommandGuard

    message = Message({TEXT: typed})
    TypedCommandGuard.create({}, **context).process([message])
    assert message.get(TEXT) == read_as


@pytest.mark.parametrize("payload", [
    "/ask_prrt", '/ask_prrt{"aspect": "how_given"}', "/out_of_scope",
    '/ask_followup{"treatment": "prrt", "aspect": "goal"}', "what is /ask_prrt?",
])
def test_quick_reply_payloads_and_ordinary_text_are_left_alone(context: Dict,
                                                               payload: str) -> None:
    from net_assistant.rasa_adapters.components import TypedCommandGuard

    message = Message({TEXT: payload})
    TypedCommandGuard.create({}, **context).process([message])
    assert message.get(TEXT) == payload


def test_the_feedback_buttons_payloads_are_left_alone(context: Dict) -> None:
    from net_assistant.rasa_adapters.components import TypedCommandGuard

    messages = [Message({TEXT: "/feedback_helpful"}), Message({TEXT: "/feedback_not_helpful"})]
    TypedCommandGuard.create({}, **context).process(messages)
    assert [m.get(TEXT) for m in messages] == ["/feedback_helpful", "/feedback_not_helpful"]


def test_the_classifier_is_not_trained_on_intents_only_buttons_send(context: Dict) -> None:
    """The feedback intents' examples (the button titles) never reach DIET; everything else,
    the rules' intent-only messages included, is passed on as it was."""
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from net_assistant.rasa_adapters.components import ButtonOnlyIntents

    examples = [Message({TEXT: "Helpful", INTENT: "feedback_helpful"}),
                Message({TEXT: "thanks", INTENT: "thank"}),
                Message({TEXT: "Not helpful", INTENT: "feedback_not_helpful"}),
                Message({INTENT: "feedback_helpful"})]  # a rule's user step: no text
    component = ButtonOnlyIntents.create({}, **context)
    kept = component.process_training_data(TrainingData(examples, entity_synonyms={"jab": "x"}))
    assert [(m.get(TEXT), m.get(INTENT)) for m in kept.training_examples] == [
        ("thanks", "thank"), (None, "feedback_helpful")]
    assert kept.entity_synonyms == {"jab": "x"}
    assert component.process([examples[0]]) == [examples[0]]  # at run time it does nothing


# --- an unsure guess that the message's own treatment name confirms ----------------------------


@pytest.fixture(scope="module")
def confirmation(context: Dict) -> NamedTreatmentConfirmation:
    return NamedTreatmentConfirmation.create({}, **context)


def unsure(text: str, guess: str, treatment_terms: List[str]) -> Message:
    message = diet_output(text, [(DEFAULT_NLU_FALLBACK_INTENT_NAME, 0.5), (guess, 0.35),
                                 ("ask_chemotherapy", 0.3)])
    message.set("entities", [{"entity": "treatment", "value": t} for t in treatment_terms])
    return message


def test_an_unsure_guess_named_in_the_message_stands(
        confirmation: NamedTreatmentConfirmation) -> None:
    message = unsure("dads consultant mentioned lutathera, wot is it", "ask_prrt", ["lutathera"])
    confirmation.process([message])
    assert message.get(INTENT) == {"name": "ask_prrt", "confidence": 0.35}


def test_an_unsure_message_is_answered_about_the_treatment_it_names(
        confirmation: NamedTreatmentConfirmation) -> None:
    message = diet_output("my husband was diagnosed, the consultant said something about "
                          "lutathera, what is it?", [(DEFAULT_NLU_FALLBACK_INTENT_NAME, 0.5),
                                                     ("ask_treatment_options", 0.42),
                                                     ("ask_prrt", 0.34)])
    message.set("entities", [{"entity": "treatment", "value": "lutathera"}])
    confirmation.process([message])
    assert message.get(INTENT) == {"name": "ask_prrt", "confidence": 0.34}


def test_an_unsure_personal_reading_is_left_to_the_safety_layer(
        confirmation: NamedTreatmentConfirmation) -> None:
    message = diet_output("should my husband have lutathera", [
        (DEFAULT_NLU_FALLBACK_INTENT_NAME, 0.5), (PERSONAL_INTENT, 0.45), ("ask_prrt", 0.4)])
    message.set("entities", [{"entity": "treatment", "value": "lutathera"}])
    confirmation.process([message])
    assert message.get(INTENT)["name"] == DEFAULT_NLU_FALLBACK_INTENT_NAME


def test_an_unsure_follow_up_that_names_an_aspect_stands(
        confirmation: NamedTreatmentConfirmation) -> None:
    message = unsure("n how often do u get it", "ask_followup", [])
    message.set("entities", [{"entity": "aspect", "value": "how often"}])
    confirmation.process([message])
    assert message.get(INTENT)["name"] == "ask_followup"


@pytest.mark.parametrize("guess, terms", [
    ("ask_prrt", []),  # no treatment named
    ("ask_followup", []),  # no aspect named
    ("ask_prrt", ["interferon"]),  # a treatment named that is not among the guesses
    ("greet", ["lutathera"]),  # not a treatment guess
])
def test_otherwise_the_fallback_stands(confirmation: NamedTreatmentConfirmation, guess: str,
                                       terms: List[str]) -> None:
    message = unsure("something unclear", guess, terms)
    confirmation.process([message])
    assert message.get(INTENT)["name"] == DEFAULT_NLU_FALLBACK_INTENT_NAME


def test_an_unsure_personal_guess_goes_to_the_care_team(layer: SafetyRuleLayer) -> None:
    message = diet_output("umm the thing about her levels", [
        (DEFAULT_NLU_FALLBACK_INTENT_NAME, 0.5), (PERSONAL_INTENT, 0.4), ("ask_prrt", 0.3)])
    layer.process([message])
    assert message.get(INTENT)["name"] == PERSONAL_INTENT
    assert message.get(SAFETY_RULE_KEY)["rule_id"] == "uncertain_personal"


def test_an_unsure_treatment_guess_stays_unsure(layer: SafetyRuleLayer) -> None:
    message = diet_output("umm the thing", [
        (DEFAULT_NLU_FALLBACK_INTENT_NAME, 0.5), ("ask_prrt", 0.4), (PERSONAL_INTENT, 0.3)])
    layer.process([message])
    assert message.get(INTENT)["name"] == DEFAULT_NLU_FALLBACK_INTENT_NAME


def test_an_out_of_scope_message_about_ones_own_health_goes_to_the_care_team(
        layer: SafetyRuleLayer, make_message) -> None:
    message = make_message("can my kids inherit my NET", [("out_of_scope", 0.9)])
    layer.process([message])
    assert message.get(INTENT)["name"] == PERSONAL_INTENT


@pytest.mark.parametrize("text", ["what causes NETs?", "my fishing net is torn",
                                  "are NETs hereditary? my cousin has MEN1"])
def test_other_out_of_scope_messages_stay_out_of_scope(layer: SafetyRuleLayer, make_message,
                                                       text: str) -> None:
    message = make_message(text, [("out_of_scope", 0.9)])
    layer.process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"


@pytest.mark.parametrize("text, ranking, terms", [
    ("I keep reading about PRRT in the Facebook groups since my diagnosis. What is it?",
     [("ask_support_groups", 0.7), ("ask_prrt", 0.2)], ["PRRT"]),
    ("Mum starts the radioactive drip on Monday and we drive three hours to the centre. "
     "What happens during the treatment itself?",
     [("ask_specialist_centre", 0.8), ("ask_prrt", 0.1)], ["radioactive drip"]),
    ("Someone at the support group said PRRT is for exactly that. When do they use PRRT?",
     [("ask_support_groups", 0.9), ("ask_prrt", 0.05)], ["PRRT", "PRRT"]),
])
def test_a_support_group_or_centre_in_the_story_leaves_the_treatment_question_answered(
        layer: SafetyRuleLayer, make_message, text: str, ranking, terms) -> None:
    message = with_treatments(make_message(text, ranking), *terms)
    layer.process([message])
    assert message.get(INTENT)["name"] == "ask_prrt"
    assert message.get(SAFETY_RULE_KEY)["rule_id"] == "treatment_question_beside_hand_off"


@pytest.mark.parametrize("text, ranking, expected", [
    ("My mum had PRRT last year. Is there anyone I could talk to who has had it?",
     [("ask_support_groups", 0.7), ("ask_prrt", 0.2)], "ask_support_groups"),
    ("My dad has a NET. Which hospitals do PRRT in Ireland?",
     [("ask_specialist_centre", 0.7), ("ask_prrt", 0.2)], "ask_specialist_centre"),
    ("I keep reading about PRRT in the groups. Should I have it?",
     [("ask_support_groups", 0.6), ("ask_prrt", 0.3)], PERSONAL_INTENT),
])
def test_a_question_that_asks_for_support_a_centre_or_advice_is_not_answered_as_a_treatment(
        layer: SafetyRuleLayer, make_message, text: str, ranking, expected: str) -> None:
    message = with_treatments(make_message(text, ranking), "PRRT")
    layer.process([message])
    assert message.get(INTENT)["name"] == expected


def test_a_question_only_diet_reads_as_a_hand_off_is_answered_about_the_treatment_it_asks_of(
        layer: SafetyRuleLayer, make_message) -> None:
    message = with_treatments(make_message("Who can have SIRT?", [("ask_specialist_centre", 0.8),
                                                                  ("ask_liver_directed_therapy", 0.1)]),
                              "SIRT")
    message.set("entities", [*message.get("entities"),
                             {"entity": "aspect", "value": "who can have", "start": 0, "end": 12}])
    layer.process([message])
    assert message.get(INTENT)["name"] == "ask_liver_directed_therapy"


def test_a_centre_request_the_rules_know_is_handed_off_whatever_it_names(
        layer: SafetyRuleLayer, make_message) -> None:
    message = with_treatments(make_message("where do they do TACE?", [("ask_specialist_centre", 0.8),
                                                                      ("ask_liver_directed_therapy", 0.1)]),
                              "TACE")
    layer.process([message])
    assert message.get(INTENT)["name"] == "ask_specialist_centre"
