"""From stored events to turns: one message a person sent and the replies it got.

Only ``user``, ``bot`` and ``session_started`` rows are read. A bot event carries the answer
metadata (``data.custom``: kind, topic, aspect, passages, not_covered, ...); the last one of a
turn is the turn's final word, as the widget and the tests read it. Feedback is a user event
with the intent ``feedback_helpful`` / ``feedback_not_helpful`` (a button under an answer),
whose reply (kind ``feedback``) names the answer it rates; a reply of that kind tagged
``missing_info`` follows the message that said what a "not helpful" answer was missing. User events' JSON (with the
classifier's whole ranking) is parsed only for the few turns the report quotes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Dict, Iterable, Iterator, List, Optional

from net_assistant import contract
from net_assistant.conversation_store import StoredEvent

USER, BOT, SESSION_STARTED = "user", "bot", "session_started"
EVENT_TYPES = (USER, BOT, SESSION_STARTED)
SECONDS_PER_DAY = 86400
FEEDBACK_HELPFUL = contract.FEEDBACK_HELPFUL
FEEDBACK_NOT_HELPFUL = contract.FEEDBACK_NOT_HELPFUL
FEEDBACK_INTENTS = contract.FEEDBACK_INTENTS
FEEDBACK_KIND = "feedback"
NLU_FALLBACK = "nlu_fallback"

# How a turn ended, from its final reply's kind (and, for a fallback, why).
ANSWERED, NOT_COVERED, FALLBACK, OUT_OF_SCOPE, OTHER_LANGUAGE = (
    "answered", "not_covered", "fallback", "out_of_scope", "other_language")
ESCALATION, EMERGENCY, SUPPORT, SMALLTALK, NO_REPLY, FEEDBACK, MISSING_INFO = (
    "escalation", "emergency", "support", "smalltalk", "no_reply", "feedback", "missing_info")
OUTCOMES = (ANSWERED, NOT_COVERED, FALLBACK, OUT_OF_SCOPE, OTHER_LANGUAGE, ESCALATION,
            EMERGENCY, SUPPORT, SMALLTALK, MISSING_INFO, NO_REPLY)
_DECLINED = {contract.OUT_OF_SCOPE: OUT_OF_SCOPE, contract.OTHER_LANGUAGE: OTHER_LANGUAGE}


@dataclass
class Turn:
    """A message and its replies' metadata, in one conversation."""

    timestamp: float
    intent: Optional[str]
    raw: str  # the user event's JSON
    starts_session: bool
    replies: List[Dict[str, Any]] = field(default_factory=list)
    _message: Optional[Dict[str, Any]] = None

    @property
    def day(self) -> int:
        """Days since 1970-01-01, in UTC."""
        return int(self.timestamp // SECONDS_PER_DAY)

    @property
    def final(self) -> Dict[str, Any]:
        return self.replies[-1] if self.replies else {}

    @property
    def message(self) -> Dict[str, Any]:
        """The user event as stored (text, parse_data), parsed on first use."""
        if self._message is None:
            self._message = json.loads(self.raw)
        return self._message

    @property
    def text(self) -> str:
        return str(self.message.get("text") or "")

    @property
    def rated(self) -> Optional[Dict[str, Any]]:
        """The metadata of the answer a feedback reply names (topic, aspect, passages, ...)."""
        final = self.final
        return final if final.get("kind") == FEEDBACK_KIND and final.get("topic") else None

    @property
    def outcome(self) -> str:
        kind = self.final.get("kind")
        if kind == FEEDBACK_KIND and self.final.get("missing_info"):
            return MISSING_INFO  # typed, so a message: what the answer was missing
        if self.intent in FEEDBACK_INTENTS or kind == FEEDBACK_KIND:
            return FEEDBACK
        if kind == "answer":
            return NOT_COVERED if self.final.get("not_covered") else ANSWERED
        if kind == "fallback":
            return _DECLINED.get(self.intent or "", FALLBACK)
        return kind if kind in OUTCOMES else NO_REPLY

    def likeliest_intent(self) -> Optional[str]:
        """What the classifier thought most likely, passing over 'not sure'."""
        parse = self.message.get("parse_data") or {}
        ranking = parse.get("intent_ranking") or [parse.get("intent") or {}]
        return next((entry.get("name") for entry in ranking
                     if entry.get("name") and entry.get("name") != NLU_FALLBACK), None)

    def entities(self) -> List[Dict[str, Any]]:
        return list((self.message.get("parse_data") or {}).get("entities") or [])


def conversations(events: Iterable[StoredEvent]) -> Iterator[List[Turn]]:
    """Each sender's turns, in order (events must come grouped by sender, as stored)."""
    for _, sender_events in groupby(events, key=lambda event: event.sender_id):
        yield list(turns(sender_events))


def turns(events: Iterable[StoredEvent]) -> Iterator[Turn]:
    """One sender's turns. Replies before the first message (a session's greeting) are not part
    of any turn; a new session starts a new conversation."""
    current: Optional[Turn] = None
    new_session = True
    for event in events:
        if event.type_name == SESSION_STARTED:
            new_session = True
        elif event.type_name == USER:
            if current:
                yield current
            current = Turn(event.timestamp or 0.0, event.intent_name, event.data, new_session)
            new_session = False
        elif event.type_name == BOT and current:
            custom = bot_metadata(event.data)
            if custom:
                current.replies.append(custom)
    if current:
        yield current


def bot_metadata(data: str) -> Optional[Dict[str, Any]]:
    """The ``custom`` payload of a stored bot event, if it has one."""
    event = json.loads(data)
    custom = (event.get("data") or {}).get("custom")
    return custom if isinstance(custom, dict) else None
