"""Which sentences of a message ask something: the rest tells the story around the question.

"My mum has had three scans already and she's anxious. Why do they need so many scans before
radiotherapy?" asks about scans before radiotherapy; "three" and "anxious" are the story. The
safety rules (net_assistant.safety.matching) and the answer ranking
(net_assistant.knowledge) both read the asking sentences apart from the story.
"""
from __future__ import annotations

import re
from typing import List, Tuple

# A sentence that starts with one of these asks something, whatever its last mark.
QUESTION_OPENERS = frozenset("""
what how why when where which who whose is are was were can could will would should shall do
does did has have may might
""".split())
# Words that ask in a sentence not written as a question ("I'd like to understand what TACE is").
ASKING_WORDS = re.compile(r"\b(explain|tell me|wonder|wondering|understand|curious|know)\b", re.I)
_SENTENCE_END = re.compile(r"[.?!]+(?!\w)")  # not the point of "38.5" or "e.g"
_WORD = re.compile(r"[a-z']+")


def sentences(text: str) -> List[Tuple[int, int]]:
    """The character ranges of the sentences, each with its closing marks ("really??")."""
    ranges: List[Tuple[int, int]] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        ranges.append((start, end.end()))
        start = end.end()
    if text[start:].strip():
        ranges.append((start, len(text)))
    return ranges


def asks(sentence: str) -> bool:
    """It ends with a question mark, opens with a question word or has an asking word."""
    words = _WORD.findall(sentence.lower())
    return bool(words) and (sentence.rstrip().endswith("?") or words[0] in QUESTION_OPENERS
                            or bool(ASKING_WORDS.search(sentence)))


def asking_sentences(text: str) -> List[Tuple[int, int]]:
    """The character ranges of the sentences that ask, in a message of several sentences of
    which some ask; none otherwise (then the whole message is the question)."""
    found = sentences(text)
    asking = [(start, end) for start, end in found if asks(text[start:end])]
    return asking if len(found) > 1 and len(asking) < len(found) else []
