"""The assistant's own words, read from the domain's responses (domain.yml is the copy deck)."""
from __future__ import annotations

from typing import Any, Dict


def response_text(domain: Dict[str, Any], name: str, **values: str) -> str:
    """The text of the domain response ``name``, with its {placeholders} filled in.

    Used where an action puts a sentence of the assistant's own beside quoted or listed text in
    one message, so the sentence still lives with every other one in domain.yml.
    """
    return domain["responses"][name][0]["text"].format(**values)
