"""The safety rules of ``content/safety_rules.yml``, read and checked.

The file's structure is declared by its schema (:mod:`net_assistant.content.safety_rules`). What
a schema cannot say is done here: the ``$name`` word lists are spelled out in the patterns (a
list may name other lists, but not in a circle, and only lists that exist), and each rule's own
words are collected, so that a message made only of them counts as on-topic. spaCy checks each
token's attributes when :mod:`net_assistant.safety.matching` compiles the patterns.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import (
    Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, cast,
)

from net_assistant.content.loading import parse_schema, require
from net_assistant.content.safety_rules import (
    LIST_PREFIX, LOWER_CASE_ATTRS, MedicalContextEntry, PatternSectionEntry, RuleEntry,
    SafetyRulesFile,
)

SAFETY_RULES_FILE = "safety_rules.yml"
EMERGENCY = "emergency"
PERSONAL = "personal"
# Not safety, but decided the same reviewable way: asking for other patients or a support
# group, or for a specialist centre, is a hand-off even when a treatment is named.
SUPPORT = "support"
CENTRE = "centre"
HAND_OFF = (SUPPORT, CENTRE)
# Highest priority first: an emergency always wins over a personal question (the schema's
# Category lists the same four).
CATEGORIES = (EMERGENCY, PERSONAL, SUPPORT, CENTRE)
MEDICAL_CONTEXT = "medical_context"
# Sections that tell a general question with personal context ("my mum has just been diagnosed:
# what are the treatment options?") from a request for personal advice.
PERSONAL_CONTEXT = "personal_context"
GENERAL_QUESTION = "general_question"
PERSONAL_REQUEST = "personal_request"
MEDICAL_LOOKALIKE = "medical_lookalike"
PERSON_REFERENCE = "person_reference"
ASKING_PHRASE = "asking_phrase"
CARE_TEAM_SAID = "care_team_said"
NOT_TREATMENT = "not_treatment"
TREATMENT_WORD = "treatment_word"
SECTIONS = (PERSONAL_CONTEXT, GENERAL_QUESTION, PERSONAL_REQUEST, MEDICAL_LOOKALIKE,
            PERSON_REFERENCE, ASKING_PHRASE, CARE_TEAM_SAID, NOT_TREATMENT, TREATMENT_WORD)

TokenPattern = List[Dict[str, Any]]
WordLists = Mapping[str, List[str]]


@dataclass(frozen=True)
class SafetyRule:
    id: str
    category: str
    description: str
    patterns: Tuple[TokenPattern, ...]
    exceptions: Tuple[TokenPattern, ...]
    examples_match: Tuple[str, ...]
    examples_no_match: Tuple[str, ...]
    needs_medical_context: bool = False
    # The rule shows that a message is about someone's own case, not that it asks for advice:
    # with a general question beside it, the question is answered (with a personal-context note).
    context_only: bool = False
    # Context only where it matched in a sentence that states rather than asks: "She has
    # flushing. What is lanreotide?" asks about lanreotide; "She has flushing, is that normal?" asks.
    context_when_stated: bool = False
    # Every word the patterns name (LOWER/LEMMA/NORM values and IN lists).
    vocabulary: FrozenSet[str] = frozenset()


@dataclass(frozen=True)
class MedicalContext:
    """What makes a message about health: any match of ``patterns`` anywhere in it.

    ``words_allowed_alone`` ("what", "is", "me") may stand beside a rule's own words in a message
    that has no medical context: "How long do I have?" still fires, while "how long do I have to
    wait for a bus?" does not.
    """
    description: str
    patterns: Tuple[TokenPattern, ...]
    words_allowed_alone: FrozenSet[str]


@dataclass(frozen=True)
class PatternSection:
    """A named set of patterns (``personal_context``, ``general_question``), with examples."""
    name: str
    description: str
    patterns: Tuple[TokenPattern, ...]
    examples_match: Tuple[str, ...]
    examples_no_match: Tuple[str, ...]

    @property
    def match_key(self) -> str:
        return f"::{self.name}"


@dataclass(frozen=True)
class ParsedRules:
    """The whole file, word lists spelled out: ready for the Matcher."""
    rules: Tuple[SafetyRule, ...]
    context: Optional[MedicalContext]
    sections: Tuple[PatternSection, ...]


def parse_safety_rules(data: Dict[str, Any], path: Path) -> ParsedRules:
    """The checked rules and sections of a loaded ``safety_rules.yml`` (patterns are compiled
    separately); the first problem raised as "file: entry: message"."""
    parsed = parse_schema(SafetyRulesFile, data, str(path))
    word_lists = _word_lists(cast(WordLists, parsed.word_lists), f"{path}: word_lists")
    return ParsedRules(
        rules=tuple(_rule(entry, word_lists, path) for entry in parsed.rules),
        context=_medical_context(parsed.medical_context, word_lists, path),
        sections=tuple(_section(name, entry, word_lists, path) for name in SECTIONS
                       if (entry := getattr(parsed, name)) is not None),
    )


def _rule(entry: RuleEntry, word_lists: WordLists, path: Path) -> SafetyRule:
    where = f"{path}: rule '{entry.id}'"
    patterns = _patterns(entry.patterns, word_lists, f"{where} pattern")
    return SafetyRule(
        id=entry.id,
        category=entry.category,
        description=entry.description,
        patterns=patterns,
        exceptions=_patterns(entry.exceptions, word_lists, f"{where} exception"),
        examples_match=tuple(entry.examples_match),
        examples_no_match=tuple(entry.examples_no_match),
        needs_medical_context=entry.needs_medical_context,
        context_only=entry.context_only,
        context_when_stated=entry.context_when_stated,
        vocabulary=_vocabulary(patterns),
    )


def _medical_context(entry: Optional[MedicalContextEntry], word_lists: WordLists,
                     path: Path) -> Optional[MedicalContext]:
    if entry is None:
        return None
    where = f"{path}: {MEDICAL_CONTEXT}"
    return MedicalContext(
        description=entry.description,
        patterns=_patterns(entry.patterns, word_lists, f"{where} pattern"),
        words_allowed_alone=frozenset(_expand_value(entry.words_allowed_alone, word_lists, where)),
    )


def _section(name: str, entry: PatternSectionEntry, word_lists: WordLists,
             path: Path) -> PatternSection:
    return PatternSection(
        name=name,
        description=entry.description,
        patterns=_patterns(entry.patterns, word_lists, f"{path}: {name} pattern"),
        examples_match=tuple(entry.examples_match),
        examples_no_match=tuple(entry.examples_no_match),
    )


# --- word lists ------------------------------------------------------------------------------

def _word_lists(raw: WordLists, where: str) -> Dict[str, List[str]]:
    """The named word lists, with ``$name`` items (other lists) spelled out."""
    return {name: _resolve_word_list(name, raw, where, seen=()) for name in raw}


def _resolve_word_list(name: str, raw: WordLists, where: str,
                       seen: Tuple[str, ...]) -> List[str]:
    require(name not in seen, f"{where} '{name}'", "word lists refer to each other in a circle")
    words: List[str] = []
    for item in raw[name]:
        if item.startswith(LIST_PREFIX):
            inner = item[len(LIST_PREFIX):]
            require(inner in raw, f"{where} '{name}'", f"unknown word list '{item}'")
            words += _resolve_word_list(inner, raw, where, seen + (name,))
        else:
            words.append(item)
    return words


def _patterns(raw: Sequence[TokenPattern], word_lists: WordLists,
              where: str) -> Tuple[TokenPattern, ...]:
    return tuple([_expand_token(token, word_lists, f"{where} #{number}") for token in pattern]
                 for number, pattern in enumerate(raw, start=1))


def _expand_token(token: Dict[str, Any], word_lists: WordLists, where: str) -> Dict[str, Any]:
    return {attr: {op: _expand_value(arg, word_lists, where) for op, arg in value.items()}
            if isinstance(value, dict) else value
            for attr, value in token.items()}


def _expand_value(value: Any, word_lists: WordLists, where: str) -> Any:
    """Replace ``$name`` (as a whole IN list or as items of one) by the named word list."""
    if isinstance(value, str) and value.startswith(LIST_PREFIX):
        return list(_word_list(value, word_lists, where))
    if isinstance(value, list):
        expanded: List[Any] = []
        for item in value:
            if isinstance(item, str) and item.startswith(LIST_PREFIX):
                expanded += _word_list(item, word_lists, where)
            else:
                expanded.append(item)
        return expanded
    return value


def _word_list(reference: str, word_lists: WordLists, where: str) -> List[str]:
    name = reference[len(LIST_PREFIX):]
    require(name in word_lists, where, f"unknown word list '{reference}'")
    return word_lists[name]


def _vocabulary(patterns: Iterable[TokenPattern]) -> FrozenSet[str]:
    """The words a rule's patterns name, so a message made only of them counts as on-topic."""
    words: Set[str] = set()
    for pattern in patterns:
        for token in pattern:
            for attr in LOWER_CASE_ATTRS:
                value = token.get(attr)
                values = value.get("IN", []) if isinstance(value, dict) else [value]
                words.update(word for word in values if isinstance(word, str))
    return frozenset(words)
