"""Real conversations for the report's tests: sent to the real servers, then the rows of just
these conversations copied out of the live tracker store into a store of their own (so the
counts are exactly theirs, whatever else the test session talked about)."""
from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

from tests.conftest import Chat, Turn

# Each conversation: a name (part of its sender id) and its messages, one of each kind the
# report counts. Identifying details are in messages that end on the to-do list.
MIX: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("treatments", ("what is PRRT?", "how is lanreotide given?", "tell me about chemotherapy")),
    ("personal", ("should I stop my lanreotide?",)),
    ("out-of-scope", ("what's the weather like tomorrow?",)),
    ("not-covered", ("what are the side effects of PRRT?", "how much does PRRT cost?")),
    ("emergency", ("I have crushing chest pain",)),
    ("contact", ("who won the football last night? email me at anna.smith@example.com",
                 "can you text the lottery numbers to 07700 900123")),
)
SECRETS = ("anna.smith@example.com", "07700 900123", "07700900123")


@dataclass
class Recorded:
    """What the client saw: each sender's turns, in order."""

    turns: Dict[str, List[Tuple[str, Turn]]] = field(default_factory=dict)

    @property
    def senders(self) -> List[str]:
        return list(self.turns)

    def finals(self) -> List[Dict[str, Any]]:
        """Every turn's final metadata (its last custom payload)."""
        return [turn.metadata[-1] for turns in self.turns.values() for _, turn in turns
                if turn.metadata]

    def answers_per_topic(self) -> Counter:
        return Counter(meta["topic"] for meta in self.finals() if meta["kind"] == "answer")

    def kinds(self) -> Counter:
        return Counter(meta["kind"] for meta in self.finals())


def have_conversations(rasa_url: str, tag: str,
                       mix: Sequence[Tuple[str, Sequence[str]]] = MIX) -> Recorded:
    recorded = Recorded()
    for name, messages in mix:
        chat = Chat(rasa_url, f"{tag}-{name}")
        recorded.turns[chat.sender] = [(message, chat.send(message)) for message in messages]
    return recorded


def copy_conversations(live_db: Path, senders: Sequence[str], target: Path) -> Path:
    """A new SQLite store with the live store's schema and only these senders' rows."""
    with sqlite3.connect(live_db) as live:
        schema = [sql for (sql,) in live.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'")]
    with sqlite3.connect(target) as copy:
        for statement in schema:
            copy.execute(statement)
        copy.execute("ATTACH DATABASE ? AS live", (str(live_db),))
        copy.execute(f"INSERT INTO events SELECT * FROM live.events WHERE sender_id IN "
                     f"({', '.join('?' * len(senders))}) ORDER BY id", list(senders))
        copy.commit()
        copy.execute("DETACH DATABASE live")
    return target


def shift_days(db: Path, sender: str, days: int) -> None:
    """Move a conversation ``days`` days into the past (as if it had happened then)."""
    with sqlite3.connect(db) as store:
        store.execute("UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?",
                      (days * 86400, sender))
