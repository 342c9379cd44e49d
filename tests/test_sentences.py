"""Which sentences of a message ask: the rest is the story around the question."""
from __future__ import annotations

import pytest

from net_assistant.sentences import asking_sentences, asks, sentences


def test_a_decimal_point_ends_no_sentence() -> None:
    text = "Her temperature is 38.5 today. What is PRRT?"
    assert [text[start:end].strip() for start, end in sentences(text)] == [
        "Her temperature is 38.5 today.", "What is PRRT?"]


def test_sentences_keep_their_closing_marks() -> None:
    text = "My dad has a NET. What is PRRT?? thanks"
    assert [text[start:end].strip() for start, end in sentences(text)] == [
        "My dad has a NET.", "What is PRRT??", "thanks"]


@pytest.mark.parametrize("sentence, asking", [
    ("What is PRRT", True), ("is it a jab?", True), ("I'd like to understand TACE.", True),
    ("can you explain the whipple", True), ("My mum has three scans.", False),
    ("Thanks for reading.", False),
])
def test_a_sentence_asks_by_its_mark_its_first_word_or_an_asking_word(
        sentence: str, asking: bool) -> None:
    assert asks(sentence) is asking


def test_the_story_is_told_apart_from_the_question() -> None:
    text = "My mum has had three scans already. Why so many scans before radiotherapy?"
    assert [text[start:end].strip() for start, end in asking_sentences(text)] == [
        "Why so many scans before radiotherapy?"]


@pytest.mark.parametrize("text", ["what is PRRT?", "What is it? How is it given?",
                                  "my mum has a NET", ""])
def test_a_message_without_a_story_around_its_question_is_all_question(text: str) -> None:
    assert asking_sentences(text) == []
