"""What one message may cost: bounded text for the NLU and the safety rules."""
from __future__ import annotations

import time

import pytest

from net_assistant.limits import (
    MAX_MESSAGE_CHARS,
    MAX_RUN_CHARS,
    REPLACEMENT_CHARACTER,
    bound_text,
    without_lone_surrogates,
)
from net_assistant.nlp import load_pipeline


def test_an_ordinary_message_is_left_alone() -> None:
    text = "My mum starts lanreotide next week: how is it given? 😀 https://example.org/a"
    assert bound_text(text) == text


def test_a_long_message_is_cut_and_long_runs_broken_up() -> None:
    bounded = bound_text("?" * 16_000)
    assert bounded.replace(" ", "") == "?" * MAX_MESSAGE_CHARS
    assert max(len(run) for run in bounded.split()) == MAX_RUN_CHARS


@pytest.mark.parametrize("hostile", ["?" * 16_000, "😀" * 10_000, "!?." * 400_000,
                                     "x" * 1_000_001, ("?" * 150 + " ") * 5000])
def test_spacy_reads_any_bounded_text_quickly(hostile: str) -> None:
    nlp = load_pipeline()
    started = time.perf_counter()
    doc = nlp(bound_text(hostile))
    assert time.perf_counter() - started < 1.0 and len(doc) > 0


def test_lone_surrogates_become_replacement_characters_and_pairs_stay() -> None:
    assert without_lone_surrogates("a\ud800b\udfffc") == f"a{REPLACEMENT_CHARACTER}b" \
                                                         f"{REPLACEMENT_CHARACTER}c"
    assert without_lone_surrogates("😀 fine") == "😀 fine"
    without_lone_surrogates("\ud83d").encode("utf-8")  # encodable now
