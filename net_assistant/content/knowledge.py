"""The structure of ``content/knowledge.yml`` and ``content/sources.yml``.

What a schema cannot say (every passage traced verbatim to its source's section, ids unique
across files) is checked in :mod:`net_assistant.knowledge.sources`.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional

import pydantic

from net_assistant.content.loading import Schema, Text, blank_as_empty_list, check


def _has_words(term: str) -> bool:
    """Whether ``term`` has a word the answers can match (see knowledge.sources.words_of)."""
    return bool(re.search(r"[a-z0-9]", term.lower().replace("’s", "").replace("'s", "")))


class QuotedEntry(Schema):
    """What a passage and a patient quote share: text quoted from a section of a source."""

    id: Text
    source: Text
    section: Text
    text: Text


class PassageEntry(QuotedEntry):
    items: List[Text] = []
    focus: List[Text] = []
    also: List[Text] = []
    _blank = blank_as_empty_list("items", "focus", "also")
    _focus = check("focus", test=lambda terms: all(map(_has_words, terms)),
                   message="has an empty term")


class QuoteEntry(QuotedEntry):
    person: Text
    topics: pydantic.conlist(Text, min_items=1)  # type: ignore[valid-type]
    note: Optional[pydantic.StrictStr] = None


class CorrectionEntry(Schema):
    source: Text
    original: Text
    corrected: Text


class KnowledgeFile(Schema):
    """content/knowledge.yml (its comments say what each part is for)."""

    corrections: List[CorrectionEntry] = []
    treatments: Dict[str, Dict[str, List[PassageEntry]]]
    patient_quotes: List[QuoteEntry] = []
    _blank = blank_as_empty_list("corrections", "patient_quotes")


class SourceEntry(Schema):
    id: Text
    file: Text
    title: Text
    publisher: Text
    audience: Optional[pydantic.StrictStr] = None
    note: Optional[pydantic.StrictStr] = None
    quotable_from: Text
    quotable_to: Text
    exclude: List[Text] = []
    sections: pydantic.conlist(Text, min_items=1)  # type: ignore[valid-type]
    _blank = blank_as_empty_list("exclude")


class SourcesFile(Schema):
    """content/sources.yml (its comments say what each part is for)."""

    sources: pydantic.conlist(SourceEntry, min_items=1)  # type: ignore[valid-type]
