"""Choose what to quote for a treatment question: rank the topic's passages, then compose.

The aspect a question seems to ask about ("when", "how often") is a *prior*, not a gate: "when
you first go on octreotide, is it several jabs a day?" says "when" but is answered by the
passage about injections. Every passage and patient quote of the topic is scored against the
message — shared informative words (weighted by rarity, and less for the words of the story
around the question), the passage's focus phrases, and the asked aspects as a prior — and the
best are quoted, whole. An aspect the sources do not
describe (side effects, costs…) is named as not covered, and what the sources *do* say about
the treatment is given beside it, so nobody meets a dead end.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Union

from net_assistant.knowledge.sources import (
    MAX_ANSWER_CHARS,
    Cited,
    KnowledgeBase,
    Passage,
    PatientQuote,
    load_knowledge,
    words_of,
)
from net_assistant.sentences import asking_sentences

# Weights of the score; the shared-words part is between 0 and 1. Chosen on the development set
# (`make eval ARGS=--development DIR`): the words a question shares with a passage say more
# than the aspect its question words suggest.
ASKED_ASPECT_PRIOR = 0.15  # the passage answers the aspect the question asks first
OTHER_ASPECT_PRIOR = 0.1  # ... or another aspect the question asks
GENERAL_PRIOR = 0.0  # a question that asks no aspect: "what it is" passages come first anyway
FOCUS_BONUS = 0.3  # the question names the passage's sub-topic ("Whipple", "IORT")
# A word of the story around the question (a sentence that does not ask) counts this much of
# a word of the question: "my mum has had three scans already. Why so many scans before
# radiotherapy?" is about scans before radiotherapy.
STORY_WORD_WEIGHT = 0.3
# A patient quote is quoted instead of the passages only when it scores this much more than the
# best passage ("Can liver tumours be surgically removed?" is the sources' passage on liver
# surgery, not a patient's words on being monitored after surgery).
QUOTE_MARGIN = 1.1
# Passages after the best are quoted too while they score at least this share of the best.
CLOSE_ENOUGH = 0.6
MAX_PASSAGES = 3
WHAT_IS = "what_is"

# Words that say nothing about which passage answers a question (the aspect prior reads the
# question words: "how is it given", "when is it used").
STOPWORDS = frozenset("""
use used using give given giving work works working mean means happen happens treat treated
treatment net nets
a about after again all also am an and any anything are as at be been before being but by can
could did do doe does doing done for from get gets getting go going had ha has have having he
her hi him his how i if im in into is it it its just know like me might more most much my need
no not now of off on once one only or other our out over please really say she should so some
someone something tell than thank thanks that the their them then there these they thing this
those to too u up us very wa want was we well were what whats when where which while who why
will with would yes you your
""".split())

Candidate = Union[Passage, PatientQuote]


@dataclass(frozen=True)
class Answer:
    """Whole passages (or one patient quote) quoted for a question, with where they come from."""

    topic: str
    passages: Tuple[Passage, ...]
    cited: Cited  # the sources and sections quoted (net_assistant.knowledge.citations words it)
    quote: Optional[PatientQuote] = None
    not_covered: Optional[str] = None  # an asked aspect the sources do not describe

    @property
    def aspect(self) -> Optional[str]:
        """The aspect the first passage answers (None for a patient quote)."""
        return self.passages[0].aspects[0] if self.passages else None

    @property
    def sources(self) -> Tuple[str, ...]:
        if self.quote:
            return (self.quote.source,)
        return tuple(dict.fromkeys(p.source for p in self.passages))

    @property
    def passage_ids(self) -> Tuple[str, ...]:
        return (self.quote.id,) if self.quote else tuple(p.id for p in self.passages)

    @property
    def text(self) -> str:
        """The words quoted from the sources (a patient quote without its label)."""
        if self.quote:
            return self.quote.text
        return "\n\n".join(p.text for p in self.passages)


class Answerer:
    """Ranks a topic's passages against a message; built once per knowledge base."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        self.equivalents = {  # compared as words_of() sees them: "metastases" -> "metastase"
            words_of(word)[0]: words_of(canonical)[0]
            for word, canonical in knowledge.terminology.word_equivalents.items()
        }
        # Each passage's and quote's words, computed once: ranking reads them for every message.
        candidates: List[Candidate] = [*knowledge.passages, *knowledge.quotes]
        self.documents = {c.id: self._words_of_candidate(c) for c in candidates}
        count = len(self.documents)
        frequency: Dict[str, int] = {}
        for words in self.documents.values():
            for word in words:
                frequency[word] = frequency.get(word, 0) + 1
        # Rare words tell passages apart; a word no passage has still counts as informative.
        self._default_idf = math.log(count + 1)
        self.idf = {w: math.log((count + 1) / (n + 0.5)) for w, n in frequency.items()}

    def answer(self, topic: str, message: str = "", aspects: Sequence[str] = ()) -> Answer:
        """The best passages of ``topic`` for ``message``, which asks about ``aspects``.

        ``aspects`` may name aspects the sources don't cover; the first of those is reported as
        ``not_covered`` and the passages are chosen as for the covered ones (or a general
        question). Two covered aspects ("what is PRRT and how is it given?") get one passage
        each.
        """
        terminology = self.knowledge.terminology
        if topic not in terminology.treatments:
            raise ValueError(f"unknown topic {topic!r}")
        unknown = [a for a in aspects if a not in terminology.aspects]
        if unknown:
            raise ValueError(f"unknown aspect {unknown[0]!r}")
        covered = [a for a in aspects if terminology.aspects[a].covered]
        not_covered = next((a for a in aspects if not terminology.aspects[a].covered), None)
        ranked = self.ranked(topic, message, covered)
        quote = _quote_that_answers(ranked)
        if quote is not None:
            return Answer(topic, (), self.knowledge.cited([quote]), quote=quote,
                          not_covered=not_covered)
        chosen = self._choose(ranked, covered)
        return Answer(topic, chosen, self.knowledge.cited(chosen), not_covered=not_covered)

    def ranked(
        self, topic: str, message: str, aspects: Sequence[str]
    ) -> List[Tuple[float, Candidate]]:
        """Every passage and patient quote of ``topic`` with its score, best first (ties keep
        the editors' order in knowledge.yml)."""
        weights = self._weights(message)
        in_order = tuple(words_of(message))
        candidates: List[Candidate] = [p for p in self.knowledge.passages if p.topic == topic]
        candidates += [q for q in self.knowledge.quotes if topic in q.topics]
        scored = [
            (self._score(c, weights, in_order, aspects), i, c) for i, c in enumerate(candidates)
        ]
        return [(score, c) for score, _, c in sorted(scored, key=lambda s: (-s[0], s[1]))]

    def _weights(self, message: str) -> Dict[str, float]:
        """Each informative word of the message with its weight: its rarity, less for a word
        only the story around the question has."""
        asking = asking_sentences(message)
        asked = (self._words(" ".join(message[start:end] for start, end in asking))
                 if asking else None)
        return {word: self._idf(word) * (1.0 if asked is None or word in asked
                                         else STORY_WORD_WEIGHT)
                for word in self._words(message)}

    def _score(
        self, candidate: Candidate, weights: Dict[str, float], in_order: Tuple[str, ...],
        aspects: Sequence[str],
    ) -> float:
        document = self.documents[candidate.id]
        total = sum(weights.values()) or 1.0
        score = sum(weight for word, weight in weights.items() if word in document) / total
        if isinstance(candidate, Passage):
            score += self._prior(candidate, aspects)
            if candidate.is_about([in_order]):
                score += FOCUS_BONUS
        return score

    @staticmethod
    def _prior(passage: Passage, aspects: Sequence[str]) -> float:
        if not aspects:
            return GENERAL_PRIOR if WHAT_IS in passage.aspects else 0.0
        if aspects[0] in passage.aspects:
            return ASKED_ASPECT_PRIOR
        return OTHER_ASPECT_PRIOR if any(a in passage.aspects for a in aspects) else 0.0

    @staticmethod
    def _choose(ranked: List[Tuple[float, Candidate]], aspects: Sequence[str]) -> Tuple:
        """The best passage and those close to it; for a question that asks two things, the
        best passage for each."""
        passages = [(score, c) for score, c in ranked if isinstance(c, Passage)]
        best = [next((c for _, c in passages if a in c.aspects), None) for a in aspects]
        chosen = list(dict.fromkeys(c for c in best if c is not None))
        if len(chosen) < 2:  # one thing asked, or the sources cover only one of them
            top = passages[0][0]
            chosen = [c for score, c in passages if score >= CLOSE_ENOUGH * top]
        return _by_source(_fit(chosen[:MAX_PASSAGES], MAX_ANSWER_CHARS))

    def _words_of_candidate(self, candidate: Candidate) -> FrozenSet[str]:
        words = self._words(candidate.text)
        if isinstance(candidate, Passage):
            words |= {w for phrase in candidate.focus for w in phrase}
        return words

    def _words(self, text: str) -> FrozenSet[str]:
        found = {self.equivalents.get(w, w) for w in words_of(text)}
        return frozenset(w for w in found if w not in STOPWORDS and not w.isdigit())

    def _idf(self, word: str) -> float:
        return self.idf.get(word, self._default_idf)


def _quote_that_answers(ranked: List[Tuple[float, Candidate]]) -> Optional[PatientQuote]:
    """The best candidate when it is a patient quote that clearly beats every passage: the
    sources' own words come first, a patient's when they speak of exactly what is asked."""
    score, best = ranked[0]
    if not isinstance(best, PatientQuote):
        return None
    best_passage = next((s for s, c in ranked if isinstance(c, Passage)), 0.0)
    return best if score >= QUOTE_MARGIN * best_passage else None


def _by_source(passages: List[Passage]) -> Tuple[Passage, ...]:
    """Best first, but each source's passages together, so the citation reads in order."""
    sources = list(dict.fromkeys(p.source for p in passages))
    return tuple(sorted(passages, key=lambda p: sources.index(p.source)))


def _fit(ranked: Iterable[Passage], limit: int) -> List[Passage]:
    """Whole passages, best first, as many as fit in ``limit`` characters."""
    chosen: List[Passage] = []
    length = 0
    for passage in ranked:
        added = len(passage.text) + (2 if chosen else 0)
        if length + added <= limit:
            chosen.append(passage)
            length += added
    return chosen


@lru_cache(maxsize=None)
def load_answerer() -> Answerer:
    return Answerer(load_knowledge())
