"""Treatments, aspects and the words patients use for them (``content/terminology.yml``).

This is the single list of treatment ids and aspect ids: the knowledge base, the spaCy entity
ruler, the intents (``ask_<treatment id>``) and the actions all refer to it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

from net_assistant.content import CONTENT_DIR, load_yaml, require

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


def _terms(raw: object, where: str) -> Tuple[str, ...]:
    require(isinstance(raw, list) and raw, where, "needs a non-empty list of terms")
    terms = tuple(" ".join(str(term).lower().split()) for term in raw)
    require(all(terms), where, "has an empty term")
    return terms


def parse_terminology(data: dict, where: str = TERMINOLOGY_FILE) -> Terminology:
    """Build and validate a :class:`Terminology` from the YAML mapping."""
    treatments = {}
    for treatment_id, entry in (data.get("treatments") or {}).items():
        here = f"{where}: treatments.{treatment_id}"
        require(isinstance(entry, dict) and entry.get("name"), here, "needs a name")
        treatments[treatment_id] = Treatment(
            treatment_id, str(entry["name"]), _terms(entry.get("terms"), here)
        )
    aspects = {}
    for aspect_id, entry in (data.get("aspects") or {}).items():
        here = f"{where}: aspects.{aspect_id}"
        require(isinstance(entry, dict) and entry.get("label"), here, "needs a label")
        require(isinstance(entry.get("covered"), bool), here, "needs covered: true/false")
        require(aspect_id in ASPECT_PRIORITY, here, f"unknown aspect, known: {ASPECT_PRIORITY}")
        aspects[aspect_id] = Aspect(
            aspect_id, str(entry["label"]), entry["covered"], _terms(entry.get("terms"), here)
        )
    require(bool(treatments), where, "lists no treatments")
    _require_unambiguous(treatments.values(), f"{where}: treatments")
    _require_unambiguous(aspects.values(), f"{where}: aspects")
    return Terminology(treatments, aspects, _equivalents(data.get("word_equivalents") or [], where))


def _equivalents(groups: object, where: str) -> Dict[str, str]:
    """Each word of a group mapped to the group's first word (one-word entries only)."""
    where = f"{where}: word_equivalents"
    require(isinstance(groups, list), where, "must be a list of word groups")
    mapping: Dict[str, str] = {}
    for index, group in enumerate(groups):
        words = _terms(group, f"{where}[{index}]")
        require(all(" " not in word for word in words), f"{where}[{index}]", "single words only")
        for word in words:
            require(word not in mapping, f"{where}[{index}]", f"{word!r} is in two groups")
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
