"""The report's figures, counted in one pass over the stored conversations.

A *conversation* is a Rasa session with at least one message (Rasa starts a new session after
60 minutes of silence), counted on the day of its first message; a *message* is anything a
person sent except a feedback click. Days are UTC days. Nothing here keeps a sender id.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from net_assistant.conversation_store import StoredEvent
from net_assistant.contract import FOLLOW_UP
from net_assistant.knowledge.questions import resolve_question
from net_assistant.report.todo import TodoList
from net_assistant.report.turns import (
    ANSWERED, EMERGENCY, ESCALATION, FALLBACK, FEEDBACK, FEEDBACK_HELPFUL, MISSING_INFO,
    NOT_COVERED, OTHER_LANGUAGE, OUT_OF_SCOPE, Turn, conversations,
)
from net_assistant.knowledge.terminology import Terminology, load_terminology

NOT_HELPFUL = "not_helpful"
HELPFUL = "helpful"
# What puts a message on the editors' to-do list (with "not helpful" feedback on its answer).
TODO_OUTCOMES = (FALLBACK, NOT_COVERED, OUT_OF_SCOPE, OTHER_LANGUAGE)
PAYLOAD_PREFIX = "/"  # a quick-reply button, not words a person typed

Progress = Callable[[int, float], None]  # (senders read so far, seconds elapsed)


@dataclass
class Figures:
    senders: int = 0
    conversations_per_day: Counter = field(default_factory=Counter)
    messages_per_day: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    questions: Counter = field(default_factory=Counter)  # (topic, aspect asked)
    escalations_per_day: Counter = field(default_factory=Counter)
    emergencies_per_day: Counter = field(default_factory=Counter)
    feedback_by_topic: Counter = field(default_factory=Counter)  # (topic, verdict)
    feedback_by_passage: Counter = field(default_factory=Counter)  # (passage id, verdict)
    todo: TodoList = field(default_factory=TodoList)

    @property
    def conversations(self) -> int:
        return sum(self.conversations_per_day.values())

    @property
    def messages(self) -> int:
        return sum(self.messages_per_day.values())

    @property
    def days(self) -> List[int]:
        """Every day from the first message to the last (days without messages too)."""
        if not self.messages_per_day:
            return []
        return list(range(min(self.messages_per_day), max(self.messages_per_day) + 1))


class FigureCounter:
    """Adds one conversation at a time to :class:`Figures`."""

    def __init__(self, terminology: Optional[Terminology] = None) -> None:
        self.figures = Figures()
        self.terminology = terminology or load_terminology()

    def add_conversation(self, turns: List[Turn]) -> None:
        self.figures.senders += 1
        answered: Optional[Turn] = None  # the latest answer, for feedback on it
        answers: Dict[Tuple, Turn] = {}  # the latest answer of each (topic, passages)
        new_session = False  # a session whose first message is still to come
        for turn in turns:
            outcome = turn.outcome
            new_session = new_session or turn.starts_session
            if outcome == FEEDBACK:
                rated = turn.rated
                self._feedback(turn, answers.get(_answer_key(rated), answered) if rated
                               else answered)
                continue
            self._count(turn, outcome, answered, new_session)
            new_session = False
            if outcome in (ANSWERED, NOT_COVERED):
                answered = answers[_answer_key(turn.final)] = turn

    def _count(self, turn: Turn, outcome: str, answered: Optional[Turn],
               new_session: bool) -> None:
        figures, day = self.figures, turn.day
        if new_session:
            figures.conversations_per_day[day] += 1
        figures.messages_per_day[day] += 1
        figures.outcomes[outcome] += 1
        if outcome in (ANSWERED, NOT_COVERED):
            figures.questions[(turn.final.get("topic"), asked_aspect(turn))] += 1
        elif outcome == ESCALATION:
            figures.escalations_per_day[day] += 1
        elif outcome == EMERGENCY:
            figures.emergencies_per_day[day] += 1
        if outcome in TODO_OUTCOMES:
            self._to_do(turn, outcome, *self._guess(turn, answered))
        elif outcome == MISSING_INFO:  # what a "not helpful" answer was missing
            rated = turn.final
            self._to_do(turn, MISSING_INFO, rated.get("topic"), _asked(rated))

    def _feedback(self, turn: Turn, answered: Optional[Turn]) -> None:
        """Counted for the answer the feedback's reply names, else (a store written before the
        replies named it) for the latest answer before it."""
        meta = turn.rated or (answered.final if answered else None)
        if meta is None:
            return
        verdict = turn.final.get("verdict") if turn.rated else None
        if verdict not in (HELPFUL, NOT_HELPFUL):
            verdict = HELPFUL if turn.intent == FEEDBACK_HELPFUL else NOT_HELPFUL
        self.figures.feedback_by_topic[(meta.get("topic"), verdict)] += 1
        for passage in meta.get("passages") or []:
            self.figures.feedback_by_passage[(passage, verdict)] += 1
        if verdict == NOT_HELPFUL and answered is not None:
            self._to_do(answered, NOT_HELPFUL, meta.get("topic"), _asked(meta))

    def _to_do(self, turn: Turn, reason: str, topic: Optional[str], aspect: Optional[str]) -> None:
        text = turn.text.strip()
        if text and not text.startswith(PAYLOAD_PREFIX):
            self.figures.todo.add(text, reason, topic, aspect)

    def _guess(self, turn: Turn, answered: Optional[Turn]) -> Tuple[Optional[str], Optional[str]]:
        """The topic and aspect the assistant took the message to be about: its metadata's,
        else what the likeliest intent and the entities say, read as the actions read them."""
        meta = turn.final
        if meta.get("topic"):
            return meta.get("topic"), asked_aspect(turn)
        intent = turn.likeliest_intent()
        # Only a follow-up is read against the treatment under discussion, as the actions do.
        current = answered.final.get("topic") if answered and intent == FOLLOW_UP else None
        question = resolve_question(self.terminology, intent, turn.entities(), current,
                                    text=turn.text)
        return question.topic, meta.get("aspect") or question.aspect


def asked_aspect(turn: Turn) -> Optional[str]:
    """The aspect a person asked about: one the sources don't cover if so, else the answer's."""
    return _asked(turn.final)


def _answer_key(meta: Dict[str, Any]) -> Tuple:
    return meta.get("topic"), tuple(meta.get("passages") or ())


def _asked(meta: Dict[str, Any]) -> Optional[str]:
    return meta.get("not_covered") or meta.get("aspect")


def count_figures(events: Iterable[StoredEvent], progress: Optional[Progress] = None,
                  every: int = 10_000, terminology: Optional[Terminology] = None) -> Figures:
    """The report's figures over every stored conversation; ``progress`` every ``every`` senders."""
    counter = FigureCounter(terminology)
    started = time.monotonic()
    for turns in conversations(events):
        counter.add_conversation(turns)
        if progress and counter.figures.senders % every == 0:
            progress(counter.figures.senders, time.monotonic() - started)
    if progress and counter.figures.senders % every:
        progress(counter.figures.senders, time.monotonic() - started)
    return counter.figures
