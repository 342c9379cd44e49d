"""The editors' to-do list: messages the assistant could not answer well, grouped and counted.

Editors need to see which questions keep failing, not every copy of them. Messages are first
redacted (nothing personal reaches the list), then grouped when they read the same after
normalising case, punctuation and spaces, then near-duplicates are merged: the same guessed
topic and a token-set (Jaccard) similarity of at least ``threshold``. Candidate groups are found
with prefix filtering, so grouping stays fast for tens of thousands of distinct messages.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from net_assistant.redaction import redact

NEAR_DUPLICATE_THRESHOLD = 0.8
Guess = Tuple[Optional[str], Optional[str]]  # (topic, aspect) the assistant guessed
NOT_WORD = re.compile(r"[^\w\s]+")


def normalise(text: str) -> str:
    """Lower case, punctuation as spaces, one space between words."""
    return " ".join(NOT_WORD.sub(" ", text.lower()).split())


@dataclass
class Tally:
    """How often a message (or a group of them) ended badly, why, and what was guessed."""

    count: int = 0
    reasons: Counter = field(default_factory=Counter)
    guesses: Counter = field(default_factory=Counter)
    texts: Counter = field(default_factory=Counter)  # redacted wordings

    def merge(self, other: "Tally") -> None:
        self.count += other.count
        self.reasons.update(other.reasons)
        self.guesses.update(other.guesses)
        self.texts.update(other.texts)

    @property
    def guess(self) -> Guess:
        return self.guesses.most_common(1)[0][0] if self.guesses else (None, None)


@dataclass(frozen=True)
class TodoGroup:
    example: str  # the commonest wording, redacted
    count: int
    variants: int  # distinct wordings
    reasons: Tuple[Tuple[str, int], ...]  # most frequent first
    topic: Optional[str]
    aspect: Optional[str]


class TodoList:
    """Collects messages as the report reads the store; :meth:`groups` redacts and groups."""

    def __init__(self) -> None:
        self._by_text: Dict[str, Tally] = defaultdict(Tally)

    def add(self, text: str, reason: str, topic: Optional[str], aspect: Optional[str]) -> None:
        tally = self._by_text[text]
        tally.count += 1
        tally.reasons[reason] += 1
        tally.guesses[(topic, aspect)] += 1

    def __len__(self) -> int:
        return sum(tally.count for tally in self._by_text.values())

    def groups(self, threshold: float = NEAR_DUPLICATE_THRESHOLD,
               redactor: Callable[[str], str] = redact) -> List[TodoGroup]:
        """The groups, largest first."""
        exact = self._exact_groups(redactor)
        merged = merge_near_duplicates(exact, threshold)
        result = [_group(tally) for tally in merged]
        return sorted(result, key=lambda g: (-g.count, g.example))

    def _exact_groups(self, redactor: Callable[[str], str]) -> Dict[str, Tally]:
        groups: Dict[str, Tally] = defaultdict(Tally)
        for text, tally in self._by_text.items():
            redacted = redactor(text)
            group = groups[normalise(redacted)]
            group.merge(tally)
            group.texts[redacted] += tally.count
        return groups


def merge_near_duplicates(groups: Dict[str, Tally], threshold: float) -> List[Tally]:
    """Leader clustering: biggest group first; each group joins the most similar earlier
    leader with the same guessed topic, if similar enough, or leads a group of its own."""
    ordered = sorted(groups.items(), key=lambda item: (-item[1].count, item[0]))
    frequency = Counter(token for key, _ in ordered for token in set(key.split()))
    leaders: List[Tuple[frozenset, Tally]] = []
    index: Dict[str, List[int]] = defaultdict(list)
    for key, tally in ordered:
        tokens = sorted(set(key.split()), key=lambda token: (frequency[token], token))
        prefix = tokens[:_prefix_length(len(tokens), threshold)]
        best = _best_leader(frozenset(tokens), tally.guess[0], prefix, index, leaders, threshold)
        if best is None:
            leaders.append((frozenset(tokens), tally))
            for token in prefix:
                index[token].append(len(leaders) - 1)
        else:
            leaders[best][1].merge(tally)
    return [tally for _, tally in leaders]


def _prefix_length(size: int, threshold: float) -> int:
    """Two sets with Jaccard >= threshold share a token among the first this many (rarest)."""
    return size - math.ceil(threshold * size) + 1 if size else 0


def _best_leader(tokens: frozenset, topic: Optional[str], prefix: Sequence[str],
                 index: Dict[str, List[int]], leaders: List[Tuple[frozenset, Tally]],
                 threshold: float) -> Optional[int]:
    best, best_similarity = None, threshold
    for candidate in sorted({i for token in prefix for i in index[token]}):
        leader_tokens, leader = leaders[candidate]
        if leader.guess[0] != topic:
            continue
        similarity = len(tokens & leader_tokens) / len(tokens | leader_tokens)
        if similarity >= best_similarity and (best is None or similarity > best_similarity):
            best, best_similarity = candidate, similarity
    return best


def _group(tally: Tally) -> TodoGroup:
    topic, aspect = tally.guess
    return TodoGroup(
        example=tally.texts.most_common(1)[0][0], count=tally.count, variants=len(tally.texts),
        reasons=tuple(tally.reasons.most_common()), topic=topic, aspect=aspect,
    )
