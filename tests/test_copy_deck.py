"""domain.yml is the copy deck: every sentence of the assistant's own lives there, and none of
them states medical content (that comes only as quoted, traced passages of the sources)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
import yaml

from tests.conftest import DOMAIN

CLAIMS_FILE = Path(__file__).parent / "medical_claims.yml"
CLAIMS: List[Tuple[re.Pattern, str]] = [
    (re.compile(rf"(?<!\w){entry['pattern']}(?!\w)", re.IGNORECASE), entry["why"])
    for entry in yaml.safe_load(CLAIMS_FILE.read_text(encoding="utf-8"))["claims"]
]
ACTIONS_DIR = Path(__file__).resolve().parent.parent / "actions"


def response_texts() -> Iterator[Tuple[str, str]]:
    """(response name, text) for every variation, button title and quick reply."""
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            if variation.get("text"):
                yield name, variation["text"]
            for button in variation.get("buttons") or []:
                yield name, button["title"]


@pytest.mark.parametrize("name,text", list(response_texts()))
def test_no_response_states_medical_content(name: str, text: str) -> None:
    for claim, why in CLAIMS:
        assert not claim.search(text), f"{name} states {why}: {claim.search(text).group(0)!r}"


@pytest.mark.parametrize("text,why", [
    ("Lanreotide is given every 28 days.", "a schedule or a duration"),
    ("A dose of 120 mg is usual.", "a dose, an amount or a rate"),
    ("Surgery can cure a small NET.", "an outcome"),
    ("PRRT is safe for most people.", "a harm or its absence"),
    ("We recommend watch and wait.", "a recommendation"),
])
def test_the_claim_list_catches_medical_statements(text: str, why: str) -> None:
    assert any(claim.search(text) and reason == why for claim, reason in CLAIMS)


def test_actions_say_nothing_of_their_own_but_names() -> None:
    """The actions compose messages from responses, passages and directory entries: no
    sentence of their own (a string literal of three or more words starting with a capital)."""
    sentence = re.compile(r"""["']([A-Z][a-z']*(?: [a-z'.,:?!]+){2,}[^"'\n]*)["']""")
    for path in sorted(ACTIONS_DIR.glob("*.py")):
        code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith("#"))
        code = re.sub(r'"""[\s\S]*?"""', "", code)  # docstrings
        assert not sentence.findall(code), (path.name, sentence.findall(code))
