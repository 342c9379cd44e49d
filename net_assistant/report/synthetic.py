"""Synthetic conversations in Rasa's ``events`` schema, for the report's benchmark and tests.

Each conversation is written the way Rasa's SQLTrackerStore writes a real one — session start,
then per message: the user event (with the classifier's ranking), user_featurization, the
action, its bot messages (answer metadata in ``data.custom``), slots and action_listen — and the
conversations of a day are interleaved by time, as concurrent visitors' events are. Treatments,
aspects and passages are the real ones from the knowledge base. Nothing here is real data:
the report's tests on real conversations drive the real servers.
"""
from __future__ import annotations

import json
import random
import uuid
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from net_assistant.conversation_store import StoredEvent as Row  # one row of the events table
from net_assistant.knowledge.sources import Passage, load_knowledge

SECONDS_PER_DAY = 86400
RANKING_LENGTH = 10
# Rasa's SQLTrackerStore table, column for column (tests compare it with Rasa's own).
METADATA = sa.MetaData()
EVENTS = sa.Table(
    "events", METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
EVENT_METADATA = {"model_id": "synthetic", "assistant_id": "net-treatment-info"}
INTENTS = ("greet", "goodbye", "thank", "ask_followup", "personal_medical_question",
           "emergency", "out_of_scope", "ask_support_groups", "other_language", "affirm")
REPLY_TEXT = "Synthetic reply of about the length of a real one. " * 8

# (weight, kind of turn, wordings); {name}, {email}, {phone}, {topic} are filled in.
TURN_MIX: Tuple[Tuple[int, str, Tuple[str, ...]], ...] = (
    (40, "answer", ("what is {topic}?", "how is {topic} given", "when is {topic} used?",
                    "tell me about {topic}", "what does {topic} aim to do")),
    (8, "not_covered", ("what are the side effects of {topic}?", "does {topic} hurt",
                        "what is the success rate of {topic}", "how much does {topic} cost")),
    (8, "escalation", ("should I stop my {topic}?", "my name is {name}, is {topic} right for me?",
                       "my dad's Ki-67 is 20%, is that bad?")),
    (2, "emergency", ("I have crushing chest pain", "my mum collapsed and isn't breathing")),
    (6, "out_of_scope", ("what's the weather tomorrow", "can you book me a taxi",
                         "who won the football")),
    (6, "fallback", ("blorp {topic} fizz", "hmm the thing with the scan",
                     "email me at {email} about it", "call me on {phone} please")),
    (2, "other_language", ("wie wird {topic} gegeben?", "qu'est-ce que {topic}?")),
    (10, "smalltalk", ("hello", "thanks", "bye", "are you a bot?")),
    (4, "support", ("are there support groups?", "where can I get {topic}?")),
    (6, "feedback", ("/feedback_helpful", "/feedback_not_helpful")),
)
NAMES = ("Anna", "Tom", "Priya", "Olu", "Siobhán", "Mark", "Jo", "Wei")


def create_store(url: str) -> Engine:
    """A new, empty store with Rasa's schema."""
    engine = sa.create_engine(url, future=True)
    METADATA.create_all(engine)
    return engine


def fill_store(engine: Engine, conversations: int, days: int = 90, seed: int = 42,
               end_day: int = 20_000) -> int:
    """Write ``conversations`` synthetic conversations over ``days`` days ending on
    ``end_day`` (days since 1970); returns the number of events written."""
    generator = ConversationGenerator(random.Random(seed))
    written = 0
    per_day = [conversations // days + (1 if d < conversations % days else 0) for d in range(days)]
    for offset, count in enumerate(per_day):
        day = end_day - days + 1 + offset
        rows = sorted((row for _ in range(count) for row in generator.conversation(day)),
                      key=lambda row: row.timestamp)
        with engine.begin() as connection:
            connection.execute(EVENTS.insert(), [row.__dict__ for row in rows])
        written += len(rows)
    return written


class ConversationGenerator:
    """Conversations of 1 to 9 messages drawn from :data:`TURN_MIX`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.passages: List[Passage] = list(load_knowledge().passages)
        self.topics = sorted({p.topic for p in self.passages})
        self.weights = [weight for weight, _, _ in TURN_MIX]

    def conversation(self, day: int) -> Iterator[Row]:
        sender = uuid.UUID(int=self.rng.getrandbits(128)).hex
        clock = [day * SECONDS_PER_DAY + self.rng.uniform(0, SECONDS_PER_DAY - 3600)]
        event = _EventWriter(sender, clock)
        yield event.action("action_session_start", confidence=1.0)
        yield event.plain("session_started")
        yield event.action("action_listen")
        first = True
        for _ in range(self.rng.randint(1, 9)):
            yield from self._turn(event, first)
            first = False

    def _turn(self, event: "_EventWriter", first: bool) -> Iterator[Row]:
        _, kind, wordings = self.rng.choices(TURN_MIX, weights=self.weights)[0]
        passage = self.rng.choice(self.passages)
        text = self.rng.choice(wordings).format(
            topic=passage.topic.replace("_", " "), name=self.rng.choice(NAMES),
            email=f"{self.rng.choice(NAMES).lower()}@example.org",
            phone=f"07700 9{self.rng.randint(0, 99999):05d}")
        intent = self._intent(kind, passage)
        clock_step = self.rng.uniform(5, 120)
        event.clock[0] += clock_step
        yield event.user(text, intent, self._ranking(intent))
        yield event.plain("user_featurization", use_text_for_featurization=False)
        yield event.action("action_reply", policy="RulePolicy", confidence=1.0)
        if first and kind != "emergency":
            yield event.bot(_custom("smalltalk"))
            yield event.slot("disclaimer_shown", True)
        yield event.bot(self._reply(kind, passage))
        if kind in ("answer", "not_covered"):
            yield event.slot("topic", passage.topic)
        yield event.action("action_listen", policy="RulePolicy", confidence=1.0)

    def _intent(self, kind: str, passage: Passage) -> str:
        if kind in ("answer", "not_covered"):
            return f"ask_{passage.topic}"
        if kind == "fallback":
            return "nlu_fallback"
        if kind == "feedback":
            return self.rng.choice(("feedback_helpful", "feedback_not_helpful"))
        return {"escalation": "personal_medical_question", "smalltalk": "greet",
                "support": "ask_support_groups"}.get(kind, kind)

    def _ranking(self, intent: str) -> List[Dict[str, Any]]:
        others = self.rng.sample([i for i in INTENTS + tuple(f"ask_{t}" for t in self.topics)
                                  if i != intent], RANKING_LENGTH - 1)
        confidence = self.rng.uniform(0.3, 1.0)
        rest = [(1 - confidence) * self.rng.random() / RANKING_LENGTH for _ in others]
        return [{"name": intent, "confidence": confidence}] + [
            {"name": name, "confidence": value}
            for name, value in sorted(zip(others, rest), key=lambda pair: -pair[1])]

    def _reply(self, kind: str, passage: Passage) -> Dict[str, Any]:
        if kind in ("answer", "not_covered"):
            return _custom(
                "answer", topic=passage.topic, aspect=passage.aspects[0] if passage.aspects else None,
                sources=[passage.source], citation=f"Source: {passage.source}",
                passages=[passage.id],
                not_covered=self.rng.choice(("side_effects", "success_rate", "cost"))
                if kind == "not_covered" else None,
                personal_context=False, patient_quote=None)
        return _custom({"out_of_scope": "fallback", "other_language": "fallback",
                        "feedback": "smalltalk"}.get(kind, kind))


def _custom(kind: str, topic: Optional[str] = None, aspect: Optional[str] = None,
            sources: Sequence[str] = (), **extra: Any) -> Dict[str, Any]:
    return {"kind": kind, "topic": topic, "aspect": aspect, "sources": list(sources), **extra}


class _EventWriter:
    """Rows of one sender, each event's JSON shaped as Rasa's ``Event.as_dict()``."""

    def __init__(self, sender: str, clock: List[float]) -> None:
        self.sender = sender
        self.clock = clock

    def _row(self, type_name: str, body: Dict[str, Any], intent: Optional[str] = None,
             action: Optional[str] = None) -> Row:
        self.clock[0] += 0.001
        data = {"event": type_name, "timestamp": self.clock[0], "metadata": EVENT_METADATA, **body}
        return Row(self.sender, type_name, self.clock[0], intent, action, json.dumps(data))

    def plain(self, type_name: str, **body: Any) -> Row:
        return self._row(type_name, body)

    def action(self, name: str, policy: Optional[str] = None,
               confidence: Optional[float] = None) -> Row:
        return self._row("action", {"name": name, "policy": policy, "confidence": confidence,
                                    "action_text": None, "hide_rule_turn": policy is not None},
                         action=name)

    def user(self, text: str, intent: str, ranking: List[Dict[str, Any]]) -> Row:
        tokens = [[i, i + len(word)] for i, word in _word_offsets(text)]
        parse = {"intent": ranking[0], "entities": [], "text": text,
                 "message_id": uuid.uuid4().hex, "metadata": {}, "text_tokens": tokens,
                 "intent_ranking": ranking}
        return self._row("user", {"text": text, "parse_data": parse, "input_channel": "rest",
                                  "message_id": parse["message_id"]}, intent=intent)

    def bot(self, custom: Dict[str, Any]) -> Row:
        return self._row("bot", {"text": REPLY_TEXT, "data": {
            "elements": None, "quick_replies": None, "buttons": None, "attachment": None,
            "image": None, "custom": custom}})

    def slot(self, name: str, value: Any) -> Row:
        return self._row("slot", {"name": name, "value": value}, action=name)


def _word_offsets(text: str) -> Iterator[Tuple[int, str]]:
    position = 0
    for word in text.split():
        position = text.index(word, position)
        yield position, word
        position += len(word)
