"""The structure of ``content/safety_rules.yml``.

What a schema cannot say is left to code: :mod:`net_assistant.safety.rules` spells out the
``$name`` word lists (and finds lists that refer to each other in a circle), and spaCy's Matcher
checks each token's attributes when :mod:`net_assistant.safety.matching` compiles the patterns.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Literal, Optional

import pydantic
from pydantic.fields import ModelField

from net_assistant.content.loading import Schema, Text, check

# What a rule finds (net_assistant.safety.rules orders them by priority).
Category = Literal["emergency", "personal", "support", "centre"]
PERSONAL: Category = "personal"
LIST_PREFIX = "$"
# Attributes compared with lower-cased text: a value with capitals could never match.
LOWER_CASE_ATTRS = ("LOWER", "LEMMA", "NORM")

Token = Dict[Text, Any]  # {LOWER: word}, {LEMMA: {IN: [...]}}, {OP: "?"}: spaCy checks the rest
Pattern = pydantic.conlist(Token, min_items=1)
Patterns = pydantic.conlist(Pattern, min_items=1)
Examples = pydantic.conlist(Text, min_items=1)
Words = List[pydantic.StrictStr]
WordList = pydantic.conlist(pydantic.StrictStr, min_items=1)


def require_lower_case(words: Iterable[Any]) -> None:
    """Words (``$name`` references aside) must be text, and lower case."""
    for word in words:
        if not isinstance(word, str):
            raise ValueError(f"{word!r} must be text (put numbers and yes/no/on/off in quotes)")
        if not word.startswith(LIST_PREFIX) and word != word.lower():
            raise ValueError(f"'{word}' must be lower case: messages are lower-cased before "
                             "matching")


def _token_words(value: Any) -> List[Any]:
    """The words a token attribute compares: ``word``, or those of ``{IN: [...], ...}``."""
    values = value.values() if isinstance(value, dict) else [value]
    return [word for item in values for word in (item if isinstance(item, list) else [item])]


def _lower_case_pattern(cls: type, pattern: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    for token in pattern:
        for attr in LOWER_CASE_ATTRS:
            if attr in token:
                require_lower_case(_token_words(token[attr]))
    return pattern


def lower_case_patterns(*fields: str) -> Any:
    """A validator: the LOWER/LEMMA/NORM words of every pattern are lower case."""
    return pydantic.validator(*fields, each_item=True, allow_reuse=True)(_lower_case_pattern)


class Section(Schema):
    """An entry of the file: its keys named as editors need to hear ("unknown keys [...]"),
    and a description read as one line."""

    description: Text

    @pydantic.root_validator(pre=True)
    def known_keys(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        unknown = sorted(set(values) - set(cls.__fields__))
        if unknown:
            raise ValueError(f"unknown keys {unknown}")
        return values

    @pydantic.validator("description", allow_reuse=True)
    def one_line(cls, description: str) -> str:
        return " ".join(description.split())


class RuleEntry(Section):
    id: Text
    category: Category
    patterns: Patterns  # type: ignore[valid-type]
    exceptions: Patterns = []  # type: ignore[valid-type]
    examples_match: Examples  # type: ignore[valid-type]
    examples_no_match: Examples  # type: ignore[valid-type]
    needs_medical_context: pydantic.StrictBool = False
    # The rule shows that a message is about someone's own case, not that it asks for advice.
    context_only: pydantic.StrictBool = False
    # ... but only where it matched in a sentence that states rather than asks ("She has flushing.").
    context_when_stated: pydantic.StrictBool = False
    _id = check("id", test=lambda rule_id: re.fullmatch(r"[a-z][a-z0-9_]*", rule_id),
                message="needs an id in snake_case")
    _lower = lower_case_patterns("patterns", "exceptions")

    @pydantic.validator("context_only", "context_when_stated")
    def personal_only(cls, flag: bool, values: Dict[str, Any], field: ModelField) -> bool:
        if flag and values.get("category") != PERSONAL:
            raise ValueError(f"only personal rules can be {field.name}")
        return flag


class MedicalContextEntry(Section):
    """What makes a message about health, and the words that may stand beside a rule's own."""

    patterns: Patterns  # type: ignore[valid-type]
    words_allowed_alone: Words
    _lower = lower_case_patterns("patterns")

    @pydantic.validator("words_allowed_alone")
    def lower_case_words(cls, words: List[str]) -> List[str]:
        require_lower_case(words)
        return words


class PatternSectionEntry(Section):
    """A named set of patterns (``personal_context``, ``general_question``), with examples."""

    patterns: Patterns  # type: ignore[valid-type]
    examples_match: Examples  # type: ignore[valid-type]
    examples_no_match: Examples  # type: ignore[valid-type]
    _lower = lower_case_patterns("patterns")


class SafetyRulesFile(Schema):
    """content/safety_rules.yml (its comments say what each part is for)."""

    word_lists: Dict[Text, WordList] = {}  # type: ignore[valid-type]
    medical_context: Optional[MedicalContextEntry] = None
    personal_context: Optional[PatternSectionEntry] = None
    general_question: Optional[PatternSectionEntry] = None
    medical_lookalike: Optional[PatternSectionEntry] = None
    personal_request: Optional[PatternSectionEntry] = None
    person_reference: Optional[PatternSectionEntry] = None
    asking_phrase: Optional[PatternSectionEntry] = None
    care_team_said: Optional[PatternSectionEntry] = None
    not_treatment: Optional[PatternSectionEntry] = None
    treatment_word: Optional[PatternSectionEntry] = None
    rules: pydantic.conlist(RuleEntry, min_items=1)  # type: ignore[valid-type]

    @pydantic.validator("word_lists")
    def lower_case_lists(cls, word_lists: Dict[str, List[str]]) -> Dict[str, List[str]]:
        for name, words in word_lists.items():
            try:
                require_lower_case(words)
            except ValueError as error:
                raise ValueError(f"'{name}': {error}") from None
        return word_lists

    @pydantic.validator("rules")
    def unique_ids(cls, rules: List[RuleEntry]) -> List[RuleEntry]:
        ids = [rule.id for rule in rules]
        duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
        if duplicates:
            raise ValueError(f"duplicate rule ids {duplicates}")
        return rules

    @pydantic.root_validator(skip_on_failure=True)
    def context_for_rules_needing_it(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        needing = [rule.id for rule in values["rules"] if rule.needs_medical_context]
        if values.get("medical_context") is None and needing:
            raise ValueError(f"medical_context is missing, but rules {needing} need medical "
                             "context")
        return values
