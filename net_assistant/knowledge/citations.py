"""The one citation formatter: quoted words and where they come from, in the copy deck's words.

The knowledge base says *which* source sections an answer quotes; how that is said ("Source: …,
section “…”", "A patient's experience (…)") is wording, so it lives with every other sentence
of the assistant in domain.yml (``utter_citation_*``, ``utter_patient_quote``). This module
reads those responses from the domain as plain data: it does not import Rasa.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from net_assistant.knowledge.answers import Answer
from net_assistant.knowledge.sources import Cited, PatientQuote

WORDING_RESPONSES = {
    "one_source": "utter_citation_one_source",
    "many_sources": "utter_citation_many_sources",
    "one_section": "utter_citation_one_section",
    "many_sections": "utter_citation_many_sections",
    "section": "utter_citation_section",
    "patient_quote": "utter_patient_quote",
}


@dataclass(frozen=True)
class CitationWording:
    one_source: str  # "Source: {sources}"
    many_sources: str  # "Sources: {sources}"
    one_section: str  # "{source}, section {sections}"
    many_sections: str  # "{source}, sections {sections}"
    section: str  # "“{section}”"
    patient_quote: str  # "A patient's experience ({person}): “{quote}”"

    @classmethod
    def from_responses(cls, responses: Mapping[str, Any]) -> "CitationWording":
        """The wording from a domain's ``responses`` (as loaded from domain.yml)."""
        return cls(**{field: " ".join(responses[name][0]["text"].split())
                      for field, name in WORDING_RESPONSES.items()})


def citation_text(cited: Cited, wording: CitationWording) -> str:
    """"Source: …" naming each source once, with the sections quoted from it."""
    parts = [
        (wording.one_section if len(sections) == 1 else wording.many_sections).format(
            source=source,
            sections=", ".join(wording.section.format(section=s) for s in sections),
        )
        for source, sections in cited
    ]
    template = wording.one_source if len(parts) == 1 else wording.many_sources
    return template.format(sources="; ".join(parts))


def quote_text(quote: PatientQuote, wording: CitationWording) -> str:
    """A patient's words, labelled as their experience (never as medical fact), and the
    source's note beside them."""
    lines = [wording.patient_quote.format(person=quote.person, quote=quote.text)]
    if quote.note:
        lines.append(quote.note)
    return "\n".join(lines)



def answer_text(answer: Answer, wording: CitationWording) -> str:
    """The quoted passages (or the labelled patient quote) and their citation."""
    quoted = quote_text(answer.quote, wording) if answer.quote else answer.text
    return f"{quoted}\n\n{citation_text(answer.cited, wording)}"
