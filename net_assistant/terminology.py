"""Treatments, aspects and the words patients use for them (``content/terminology.yml``).

This is the single list of treatment ids and aspect ids: the knowledge base, the spaCy entity
ruler, the intents (``ask_<treatment id>``) and the actions all refer to it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import pydantic

from net_assistant.content import CONTENT_DIR, Schema, load_yaml, parse_schema, require

TERMINOLOGY_FILE = "terminology.yml"
TREATMENT_LABEL = "treatment"
ASPECT_LABEL = "aspect"

# When a message matches several aspects, the most specific wins: what the sources do not
# cover first (so "is chemo safe, what is it?" is never answered as if it were covered),
# then the covered aspects, with the generic "what is" last.
ASPECT_PRIORITY = (
    "side_effects", "success_rate", "cost", "availability", "how_given", "when_used", "goal",
    "what_is",
)


@dataclass(frozen=True)
class Treatment:
    id: str
    name: str
    terms: Tuple[str, ...]

    @property
    def intent(self) -> str:
        return f"ask_{self.id}"


@dataclass(frozen=True)
class Aspect:
    id: str
    label: str
    covered: bool
    terms: Tuple[str, ...]


@dataclass(frozen=True)
class Terminology:
    treatments: Dict[str, Treatment]
    aspects: Dict[str, Aspect]
    # Words patients and the sources use for the same thing ("jab" -> "injection"), mapped to
    # the first word of their group, so answer ranking sees them as one.
    word_equivalents: Dict[str, str] = field(default_factory=dict)

    def treatment_for_intent(self, intent: Optional[str]) -> Optional[str]:
        """The treatment id an ``ask_<id>`` intent asks about, if any."""
        if intent and intent.startswith("ask_") and intent[4:] in self.treatments:
            return intent[4:]
        return None

    def treatment_for_term(self, text: str) -> Optional[str]:
        """The treatment id for a term or an id (entity values may be either)."""
        return _lookup(text, self.treatments.values())

    def aspect_for_term(self, text: str) -> Optional[str]:
        """The aspect id for a term or an id."""
        return _lookup(text, self.aspects.values())

    def by_priority(self, aspect_ids: Iterable[str]) -> Tuple[str, ...]:
        """The aspects, most specific first (see ASPECT_PRIORITY), each once."""
        found = set(aspect_ids)
        return tuple(aspect for aspect in ASPECT_PRIORITY if aspect in found)


def _lookup(text: str, entries: Iterable) -> Optional[str]:
    key = " ".join(text.lower().split())
    for entry in entries:
        if key == entry.id or key in entry.terms:
            return entry.id
    return None


Terms = pydantic.conlist(pydantic.StrictStr, min_items=1)


def _normalised_terms(terms: List[str]) -> List[str]:
    normalised = [" ".join(term.lower().split()) for term in terms]
    if not all(normalised):
        raise ValueError("has an empty term")
    return normalised


class TreatmentEntry(Schema):
    name: pydantic.StrictStr
    terms: Terms  # type: ignore[valid-type]
    _terms = pydantic.validator("terms", allow_reuse=True)(_normalised_terms)


class AspectEntry(Schema):
    label: pydantic.StrictStr
    covered: pydantic.StrictBool
    terms: Terms  # type: ignore[valid-type]
    _terms = pydantic.validator("terms", allow_reuse=True)(_normalised_terms)


class TerminologyFile(Schema):
    """content/terminology.yml (its comments say what each part is for)."""

    treatments: Dict[str, TreatmentEntry]
    aspects: Dict[str, AspectEntry]
    word_equivalents: List[Terms] = []  # type: ignore[valid-type]

    @pydantic.validator("treatments")
    def some_treatments(cls, treatments: Dict[str, TreatmentEntry]) -> Dict[str, TreatmentEntry]:
        if not treatments:
            raise ValueError("lists no treatments")
        return treatments

    @pydantic.validator("aspects")
    def known_aspects(cls, aspects: Dict[str, AspectEntry]) -> Dict[str, AspectEntry]:
        unknown = sorted(set(aspects) - set(ASPECT_PRIORITY))
        if unknown:
            raise ValueError(f"unknown aspect {unknown[0]}, known: {ASPECT_PRIORITY}")
        return aspects

    @pydantic.validator("word_equivalents", each_item=True)
    def single_words(cls, group: List[str]) -> List[str]:
        words = _normalised_terms(group)
        if any(" " in word for word in words):
            raise ValueError("single words only")
        return words


def parse_terminology(data: dict, where: str = TERMINOLOGY_FILE) -> Terminology:
    """Build and validate a :class:`Terminology` from the YAML mapping."""
    parsed = parse_schema(TerminologyFile, data, where)
    treatments = {tid: Treatment(tid, entry.name, tuple(entry.terms))
                  for tid, entry in parsed.treatments.items()}
    aspects = {aid: Aspect(aid, entry.label, entry.covered, tuple(entry.terms))
               for aid, entry in parsed.aspects.items()}
    _require_unambiguous(treatments.values(), f"{where}: treatments")
    _require_unambiguous(aspects.values(), f"{where}: aspects")
    return Terminology(treatments, aspects, _equivalents(parsed.word_equivalents, where))


def _equivalents(groups: List[List[str]], where: str) -> Dict[str, str]:
    """Each word of a group mapped to the group's first word; a word is in one group only."""
    mapping: Dict[str, str] = {}
    for index, words in enumerate(groups):
        for word in words:
            require(word not in mapping, f"{where}: word_equivalents[{index}]",
                    f"{word!r} is in two groups")
            mapping[word] = words[0]
    return mapping


def _require_unambiguous(entries: Iterable, where: str) -> None:
    """A term may name only one treatment (or one aspect), or lookups would depend on order."""
    owner: Dict[str, str] = {}
    for entry in entries:
        for term in entry.terms:
            require(
                owner.setdefault(term, entry.id) == entry.id,
                where,
                f"term {term!r} is listed for both {owner[term]} and {entry.id}",
            )


@lru_cache(maxsize=None)
def load_terminology(content_dir: Path = CONTENT_DIR) -> Terminology:
    """The project's terminology, loaded once per process."""
    return parse_terminology(load_yaml(TERMINOLOGY_FILE, content_dir))
