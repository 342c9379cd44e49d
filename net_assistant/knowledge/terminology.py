"""Treatments, aspects and the words patients use for them (``content/terminology.yml``).

This is the single list of treatment ids and aspect ids: the knowledge base, the spaCy entity
ruler, the intents (``ask_<treatment id>``) and the actions all refer to it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from net_assistant.content.terminology import ASPECT_PRIORITY, TerminologyFile
from net_assistant.content.loading import CONTENT_DIR, load_yaml, parse_schema, require

TERMINOLOGY_FILE = "terminology.yml"
TREATMENT_LABEL = "treatment"
ASPECT_LABEL = "aspect"


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
