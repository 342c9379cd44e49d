"""Our NLU components, the only Rasa-facing code of the understanding (see config.yml).

- ``TypedCommandGuard`` (first): a typed message that starts with "/" is read as text, not as
  an intent with entities that skips the classifier and the safety rules; only the exact
  payloads of our quick-reply buttons keep Rasa's "/intent{...}" reading.
- ``MessageLengthLimit``: bounds what every later component reads (net_assistant.limits).
- After DIET and the ``FallbackClassifier``, three ``IntentCorrector`` components, in order:
  ``NamedTreatmentConfirmation`` keeps an unsure treatment guess that the message names;
  ``LanguageIdentifier`` labels a message in another language; ``SafetyRuleLayer`` has the last
  word: a trained classifier can be wrong, and the reviewed rules in ``content/safety_rules.yml``
  cannot be argued out of "I can't breathe". When a rule fires, it re-labels the message before
  any policy sees it; when none fires, DIET's own prediction (which may itself be ``emergency``
  or ``personal_medical_question``) stands, so there are two independent layers — except that
  a personal reading of DIET's alone, of a message that ends with one of the usual general
  questions about a treatment, is answered as a question in context: the rules, not the
  classifier, decide what asks for advice; and an emergency, personal or treatment reading of
  DIET's alone that the rules show rests on words in another sense ("how do I bleed a
  radiator?", "what is injection moulding?") is declined.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from net_assistant.contract import (
    BOT_CHALLENGE,
    BUTTON_ONLY_INTENTS,
    LANGUAGE_KEY,
    OUT_OF_SCOPE,
    PERSONAL_CONTEXT_KEY,
    SAFETY_RULE_KEY,
    is_quick_reply_payload,
)
from net_assistant.limits import bound_text
from net_assistant.support.languages import Languages, load_languages
from net_assistant.knowledge.terminology import (
    ASPECT_LABEL,
    TREATMENT_LABEL,
    Terminology,
    load_terminology,
)
from net_assistant.safety.matching import Assessment, SafetyRules, SafetyVerdict, load_safety_rules
from net_assistant.safety.rules import CENTRE, EMERGENCY, HAND_OFF, PERSONAL, SUPPORT
from net_assistant.sentences import asking_sentences

EMERGENCY_INTENT = "emergency"
PERSONAL_INTENT = "personal_medical_question"
INTENT_FOR_CATEGORY = {
    EMERGENCY: EMERGENCY_INTENT, PERSONAL: PERSONAL_INTENT, OUT_OF_SCOPE: OUT_OF_SCOPE,
    SUPPORT: "ask_support_groups", CENTRE: "ask_specialist_centre",
}
OTHER_LANGUAGE_INTENT = "other_language"
FOLLOW_UP_INTENT = "ask_followup"
# An unsure message that names a treatment is answered about it when that treatment is among
# the classifier's likeliest guesses: "my husband was diagnosed… the consultant said something
# about lutathera, what is it?" (overview first, PRRT second).
NAMED_GUESSES = 3
SMALL_TALK_INTENTS = frozenset({"greet", "goodbye", "thank", "affirm", "deny"})
# The rule id recorded when an unsure message's likeliest reading is a personal question.
UNCERTAIN_PERSONAL_RULE = "uncertain_personal"
PERSONAL_OUT_OF_SCOPE_RULE = "personal_out_of_scope"
# ... when a personal reading of the classifier alone is answered as a question in context.
GENERAL_IN_CONTEXT_RULE = "general_question_in_context"
# ... when only context-only rules fired and the last question names nobody.
QUESTION_APART_RULE = "question_apart_from_context"
# ... when the classifier reads a personal question but that question names a treatment and nobody.
TREATMENT_ASKED_APART_RULE = "treatment_asked_apart_from_context"
# ... when a support group or a centre is only part of the story around a treatment question.
QUESTION_BESIDE_HAND_OFF_RULE = "treatment_question_beside_hand_off"
HAND_OFF_INTENTS = frozenset(INTENT_FOR_CATEGORY[category] for category in HAND_OFF)
NOT_TREATMENT_RULE = "not_treatment"
# ... when the classifier's emergency reading rests on health words used in another sense.
HARMLESS_SENSE_RULE = "harmless_sense"
# Rasa reads a message starting with this as "/intent{entities}" (RegexMessageHandler, last in
# the NLU graph, after the safety layer).
INTENT_MESSAGE_PREFIX = "/"


class IntentCorrector(GraphComponent, IntentClassifier):
    """A component that corrects the intent another classifier gave, from reviewed content.

    The content is read from ``content/`` when the model loads rather than stored in the model:
    a broken file stops the server early, and an editor's or clinician's change takes effect on
    restart without retraining.
    """

    @classmethod
    def required_components(cls) -> List[Type]:
        """It corrects another classifier's intent, so one must run before it."""
        return [IntentClassifier]

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentCorrector:
        return cls(config)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class SafetyRuleLayer(IntentCorrector):
    """Re-labels emergencies, personal medical questions and hand-off requests found by the
    rules in content/safety_rules.yml."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self.rules: SafetyRules = load_safety_rules()
        self.terminology: Terminology = load_terminology()

    def process(self, messages: List[Message]) -> List[Message]:
        """Re-labels each message whose text a safety rule fires on; marks personal context."""
        for message in messages:
            assessment = self._assessment(message)
            if assessment is None:
                continue
            if assessment.verdict is None and self._answer_in_context(message, assessment):
                continue
            if self._answer_apart_from_context(message, assessment):
                continue
            if self._answer_beside_hand_off(message, assessment):
                continue
            verdict = (assessment.verdict or _uncertain_personal(message)
                       or _personal_out_of_scope(message, assessment)
                       or self._not_about_treatment(message, assessment))
            if verdict is None and self._harmless_reading(message, assessment):
                _relabel(message, SafetyVerdict(OUT_OF_SCOPE, HARMLESS_SENSE_RULE,
                                                message.get(TEXT) or ""))
            elif verdict is not None and _may_relabel(message, verdict):
                _relabel(message, verdict)
            elif assessment.personal_context:
                message.set(PERSONAL_CONTEXT_KEY, True, add_to_output=True)
        return messages

    def _assessment(self, message: Message) -> Optional[Assessment]:
        """Reuses the doc ``SpacyNLP`` made when it is usable; ``assess`` re-parses otherwise."""
        if not message.get(TEXT):
            return None
        doc = message.get(SPACY_DOCS[TEXT])
        return self.rules.assess(doc if doc is not None else message.get(TEXT))

    def _answer_in_context(self, message: Message, assessment: Assessment) -> bool:
        """A personal reading that only the classifier makes, of a message whose last question
        is one of the usual general questions about a treatment it names or guesses, is
        answered as a question in context ("My wife is booked for PRRT in March. How does it
        work?", "What is TACE? My dad is having it on Friday.").

        The rules decide what is a request for advice; the classifier learns the person ("my
        wife") as well as the request, and would send a carer's general question to the doctor.
        """
        if (not assessment.asks_general or _likeliest_intent(message) != PERSONAL_INTENT
                or self._not_treatment(message, assessment)):
            return False
        topic = _topic_of(message, self.terminology, since=assessment.general_question_at or 0)
        return topic is not None and self._answer_as(
            message, topic, GENERAL_IN_CONTEXT_RULE, assessment.personal_context)

    def _answer_apart_from_context(self, message: Message, assessment: Assessment) -> bool:
        """A message whose personal rules show only context ("Dad's scan showed spread to the
        liver.") and whose last question names nobody ("Why TACE and not surgery?") is answered
        in context when a second reading says the question is about a treatment: the
        classifier's likeliest reading, or the treatment the question itself names.

        The classifier learns the person ("my dad") as well as the request, so its personal
        reading of a question that names a treatment and nobody is the person, not a request;
        a question that names the person, or asks what their situation means, still goes to
        the care team, and so does one that names no treatment ("What happens now?")."""
        verdict = assessment.verdict
        only_context = (verdict.context_only if verdict is not None
                        else assessment.personal_context)
        if (assessment.question_apart_at is None or not only_context
                or self._not_treatment(message, assessment)):
            return False
        likeliest = _likeliest_intent(message)
        asked = _named_treatments(message, self.terminology, since=assessment.question_apart_at)
        if likeliest == PERSONAL_INTENT and asked:
            return self._answer_as(message, asked[0], TREATMENT_ASKED_APART_RULE,
                                   personal_context=True)
        read = self.terminology.treatment_for_intent(likeliest)
        if read is None or verdict is None:
            return False
        topic = _topic_of(message, self.terminology, since=assessment.question_apart_at) or read
        return self._answer_as(message, topic, QUESTION_APART_RULE, personal_context=True)

    def _answer_beside_hand_off(self, message: Message, assessment: Assessment) -> bool:
        """A support group, a forum or a centre told as part of the story ("I keep reading
        about PRRT in the Facebook groups.") around a question about a treatment ("What is
        it?") is answered about that treatment, and so is a question that DIET alone reads as
        a hand-off but that asks something of a treatment it names ("Who can have SIRT?"). A
        question that itself asks for support or a centre ("Is there anyone I could talk to
        who has had PRRT?", "where do they do TACE?": the rules know these) is handed off, and
        any other verdict on the question stands."""
        verdict = assessment.verdict
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if not (verdict.category in HAND_OFF if verdict is not None
                else intent in HAND_OFF_INTENTS):
            return False
        text = message.get(TEXT) or ""
        asking = asking_sentences(text)
        if asking:
            question = " ".join(text[start:end] for start, end in asking)
            if self.rules.assess(question).verdict is not None:
                return False
            named = (_named_treatments(message, self.terminology, since=asking[0][0])
                     or _named_treatments(message, self.terminology))  # "…PRRT… What is it?"
        elif verdict is None and _names(message, ASPECT_LABEL):
            named = _named_treatments(message, self.terminology)
        else:
            return False
        topic = next(iter(named), None)
        return topic is not None and self._answer_as(message, topic, QUESTION_BESIDE_HAND_OFF_RULE,
                                                     assessment.personal_context)

    def _harmless_reading(self, message: Message, assessment: Assessment) -> bool:
        """The classifier alone reads an emergency, a personal question or a treatment
        question, and the rules find nothing about health but words in another sense: "how do
        I bleed a radiator?", "I can't breathe for laughing", "what is injection moulding?",
        "my cat has a lump, should I take her to the vet?".

        Positive evidence of the harmless sense is required, so an emergency that the rules do
        not know and that names no health word still gets the emergency reply."""
        if not assessment.harmless_sense or assessment.medical:
            return False
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        likeliest = _likeliest_intent(message)
        return (intent == EMERGENCY_INTENT or likeliest == PERSONAL_INTENT
                or self.terminology.treatment_for_intent(likeliest) is not None)

    def _not_about_treatment(self, message: Message,
                             assessment: Assessment) -> Optional[SafetyVerdict]:
        """A question about NETs but not their treatment ("can these tumours be inherited?")
        that names no treatment is declined politely, whatever treatment the classifier read:
        a treatment overview would not answer it. So is one the classifier read as a question
        about the assistant ("can NETs spread from person to person?"), or as a personal
        question when it speaks of nobody ("What happens with a contrast MRI?"); beside what
        it says of someone ("My dad is having his first scan.") it goes to the care team."""
        likeliest = _likeliest_intent(message)
        misread = (self.terminology.treatment_for_intent(likeliest) is not None
                   or likeliest == BOT_CHALLENGE
                   or (likeliest == PERSONAL_INTENT and not assessment.personal_context))
        if not (misread and self._not_treatment(message, assessment)):
            return None
        return SafetyVerdict(OUT_OF_SCOPE, NOT_TREATMENT_RULE, message.get(TEXT) or "")

    def _not_treatment(self, message: Message, assessment: Assessment) -> bool:
        """The message asks about NETs but not their treatment, and names none: no treatment
        answer fits it, in context or not."""
        return assessment.not_treatment and not _named_treatments(message, self.terminology)

    def _answer_as(self, message: Message, topic: str, rule_id: str, personal_context: bool) -> bool:
        """Answers the message as a question about ``topic``; the rule id recorded says why,
        for the editors' report and the evaluation."""
        _set_intent(message, self.terminology.treatments[topic].intent)
        message.set(PERSONAL_CONTEXT_KEY, personal_context, add_to_output=True)
        message.set(SAFETY_RULE_KEY, {"rule_id": rule_id, "category": topic,
                                      "matched_text": message.get(TEXT) or ""}, add_to_output=True)
        return True


def _likeliest_intent(message: Message) -> Optional[str]:
    """The classifier's reading; for an unsure message, its likeliest guess."""
    guesses = _unsure_guesses(message)
    if guesses:
        return guesses[0].get(INTENT_NAME_KEY)
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


def _names(message: Message, label: str) -> bool:
    """The entity ruler found a ``label`` entity (a treatment, an aspect) in the message."""
    return any(entity.get("entity") == label for entity in message.get(ENTITIES) or [])


def _named_treatments(message: Message, terminology: Terminology, since: int = 0) -> List[str]:
    """The treatments the entity ruler found in the message (from character ``since``), in order."""
    found = (terminology.treatment_for_term(str(entity.get("value", "")))
             for entity in message.get(ENTITIES) or []
             if entity.get("entity") == TREATMENT_LABEL and entity.get("start", since) >= since)
    return [topic for topic in found if topic is not None]


def _topic_of(message: Message, terminology: Terminology, since: int = 0) -> Optional[str]:
    """The treatment a question is about: one it names (from character ``since``, where the
    question starts) and the classifier also considers, else the one it names, else the
    classifier's likeliest treatment among its first guesses."""
    named = _named_treatments(message, terminology, since)
    ranking = (message.get(INTENT_RANKING_KEY) or [])[:NAMED_GUESSES + 1]  # and the personal one
    guessed = [topic for topic in (terminology.treatment_for_intent(entry.get(INTENT_NAME_KEY))
                                   for entry in ranking) if topic is not None]
    both = [topic for topic in named if topic in guessed]  # in the order the question names them
    return next(iter(both or named or guessed), None)


def _unsure_guesses(message: Message) -> List[Dict[str, Any]]:
    """The classifier's guesses, likeliest first, when the FallbackClassifier found it unsure;
    none when it was sure."""
    if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME:
        return []
    return [entry for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME]


def _uncertain_personal(message: Message) -> Optional[SafetyVerdict]:
    """An unsure message whose likeliest reading is a personal question goes to the care team:
    "talk to your doctor" serves that person better than "did you mean…?"."""
    guesses = _unsure_guesses(message)
    if not guesses or guesses[0].get(INTENT_NAME_KEY) != PERSONAL_INTENT:
        return None
    return SafetyVerdict(PERSONAL, UNCERTAIN_PERSONAL_RULE, message.get(TEXT) or "")


def _personal_out_of_scope(message: Message, assessment: Assessment) -> Optional[SafetyVerdict]:
    """A message about someone's own health that the classifier finds out of scope ("can my
    kids get my NET?") goes to the care team rather than "sorry, I can't help with that",
    unless its question names nobody."""
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    if intent != OUT_OF_SCOPE or not (assessment.personal_context and assessment.medical):
        return None
    if assessment.question_apart_at is not None:
        return None  # "are NETs hereditary? my cousin has MEN1" asks about NETs, not the cousin
    return SafetyVerdict(PERSONAL, PERSONAL_OUT_OF_SCOPE_RULE, message.get(TEXT) or "")


def _may_relabel(message: Message, verdict: SafetyVerdict) -> bool:
    """An emergency rule overrides anything; a personal rule never downgrades an emergency.

    An *uncertain* emergency guess (``nlu_fallback`` over it) is re-labelled personal: "talk to
    your care team" serves that person better than "did you mean…?", and the "did you mean"
    question itself says what to do in an emergency. A rule that shows only personal context
    leaves small talk alone. A request for support or a specialist centre never overrides an
    emergency, a personal question or another language."""
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    if verdict.context_only and intent in SMALL_TALK_INTENTS:
        return False  # "thanks, that helps with my mum's scan"
    if verdict.category in HAND_OFF:
        return intent not in (EMERGENCY_INTENT, PERSONAL_INTENT, OTHER_LANGUAGE_INTENT)
    return verdict.category == EMERGENCY or intent != EMERGENCY_INTENT


def _relabel(message: Message, verdict: SafetyVerdict) -> None:
    _set_intent(message, INTENT_FOR_CATEGORY[verdict.category])
    message.set(
        SAFETY_RULE_KEY,
        {"rule_id": verdict.rule_id, "category": verdict.category,
         "matched_text": verdict.matched_text},
        add_to_output=True,
    )


def _set_intent(message: Message, name: str) -> None:
    """Puts ``name`` first with confidence 1.0 and keeps the original ranking after it."""
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [
        entry
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) != name
    ]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class LanguageIdentifier(IntentCorrector):
    """Labels a message written in another language ``other_language`` (content/languages.yml),
    so that it is never answered from a wrong-language guess at its meaning. It runs before the
    safety layer, which may still re-label it an emergency."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self.languages: Languages = load_languages()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = self.languages.identify(message.get(TEXT) or "")
            if language is not None:
                _set_intent(message, OTHER_LANGUAGE_INTENT)
                message.set(LANGUAGE_KEY, {"code": language.code, "name": language.name,
                                           "countries": list(language.countries)},
                            add_to_output=True)
        return messages


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class NamedTreatmentConfirmation(IntentCorrector):
    """Keeps an unsure treatment guess when the message names that very treatment, and an unsure
    follow-up guess when the message names an aspect.

    "my dads consultant mentioned lutathera, wot is it" may leave DIET below the fallback
    threshold although its best guess, PRRT, is the treatment the entity ruler found in the
    message. Two independent signals agreeing is enough to answer rather than ask "did you
    mean…?" (a follow-up is answered for the treatment under discussion, or asks which one).
    Runs after the FallbackClassifier and before the safety layer, which still has the last
    word."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self.terminology: Terminology = load_terminology()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            confirmed = self._confirmed(message)
            if confirmed is not None:
                message.set(INTENT, confirmed, add_to_output=True)
        return messages

    def _confirmed(self, message: Message) -> Optional[Dict[str, Any]]:
        guesses = _unsure_guesses(message)
        if not guesses:
            return None
        named = _named_treatments(message, self.terminology)
        guess = guesses[0].get(INTENT_NAME_KEY)
        if guess in (PERSONAL_INTENT, EMERGENCY_INTENT):
            return None  # the safety layer decides an unsure personal reading
        for entry in guesses[:NAMED_GUESSES]:
            topic = self.terminology.treatment_for_intent(entry.get(INTENT_NAME_KEY))
            if topic is not None and topic in named:
                return dict(entry)
        if guess == FOLLOW_UP_INTENT and _names(message, ASPECT_LABEL):  # "n how often do u get it"
            return dict(guesses[0])
        return None


class _Stateless(GraphComponent):
    """A component with no configuration and nothing learnt: training data pass unchanged."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _Stateless:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


class _TextRewriter(_Stateless):
    """A component that rewrites each message's text before the rest of the pipeline reads it."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            rewritten = self.rewrite(text)
            if rewritten != text:
                message.set(TEXT, rewritten)
        return messages

    def rewrite(self, text: str) -> str:
        raise NotImplementedError


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class ButtonOnlyIntents(_Stateless):
    """Leaves the intents only our buttons send (``BUTTON_ONLY_INTENTS``: the feedback pair)
    out of the classifier's training. Rasa's checks want examples for every intent, so
    data/nlu/feedback.yml has the button titles; nobody's typed words are read as feedback
    ("that was helpful" stays thanks), and the classifier is the one it was without them."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        kept = [example for example in training_data.training_examples
                if example.get(INTENT) not in BUTTON_ONLY_INTENTS or example.get(TEXT) is None]
        if len(kept) == len(training_data.training_examples):
            return training_data
        return TrainingData(kept, training_data.entity_synonyms, training_data.regex_features,
                            training_data.lookup_tables, training_data.responses)

    def process(self, messages: List[Message]) -> List[Message]:
        return messages


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class TypedCommandGuard(_TextRewriter):
    """Keeps people from typing intents: "/greet", "/inform_country{...}" are read as text, so
    the classifier and the safety rules see every message a person wrote. The exact payloads of
    our quick-reply buttons (net_assistant.contract.is_quick_reply_payload) stay commands: they
    carry no free text, and pressing a button must keep working on every channel."""

    def rewrite(self, text: str) -> str:
        stripped = text.strip()
        if not stripped.startswith(INTENT_MESSAGE_PREFIX) or is_quick_reply_payload(stripped):
            return text
        return stripped.lstrip(INTENT_MESSAGE_PREFIX)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class MessageLengthLimit(_TextRewriter):
    """Bounds the cost of one message for every later component, the safety rules included
    (net_assistant.limits): the channels refuse longer messages before the NLU sees them, so
    this only cuts what reaches the NLU some other way (the HTTP API, ``rasa shell``)."""

    def rewrite(self, text: str) -> str:
        return bound_text(text)
