"""The structure of ``content/terminology.yml``.

That a term names one treatment (or aspect) only, and a word is in one equivalence group, is
checked in :mod:`net_assistant.knowledge.terminology`.
"""
from __future__ import annotations

from typing import Dict, List

import pydantic

from net_assistant.content.loading import Schema

# When a message matches several aspects, the most specific wins: what the sources do not
# cover first (so "is chemo safe, what is it?" is never answered as if it were covered),
# then the covered aspects, with the generic "what is" last.
ASPECT_PRIORITY = (
    "side_effects", "success_rate", "cost", "availability", "how_given", "when_used", "goal",
    "what_is",
)


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
