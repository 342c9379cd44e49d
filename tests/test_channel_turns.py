"""A turn in the channels (net_assistant/rasa_adapters/channels.py), without a server: what is
logged (ids, sizes and outcomes by default, the message text only with the development switch
NET_LOG_MESSAGE_TEXT=1, never a line longer than MAX_LOG_CHARS), and the channels' own replies when
no model is loaded, and a retried request answered from the store. Fast: a stand-in for Rasa's
message handler."""
from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import List

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from net_assistant.rasa_adapters.channels import (
    MAX_LOG_CHARS, Turns, _BoundedLogRecords, request_id,
)
from net_assistant.settings import Settings
from tests.conftest import DOMAIN

TEXT = "my scan MARKER-7d1e showed something"


async def answer(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, "an answer")


def turn_log(caplog: pytest.LogCaptureFixture, switch: str) -> str:
    turns = Turns(Settings.from_environment({"NET_LOG_MESSAGE_TEXT": switch}))
    with caplog.at_level(logging.INFO, logger="net_assistant.rasa_adapters.channels"):
        asyncio.run(turns.take(answer, TEXT, "anna-1", CollectingOutputChannel(), "rest"))
    return "\n".join(record.getMessage() for record in caplog.records)


def test_by_default_a_turn_is_logged_without_its_text(caplog) -> None:
    logged = turn_log(caplog, "0")
    assert f"channel=rest sender=anna-1 chars={len(TEXT)} outcome=answered" in logged
    assert "MARKER-7d1e" not in logged


def test_the_development_switch_adds_the_text(caplog) -> None:
    assert f"text={TEXT!r}" in turn_log(caplog, "1")


def test_no_log_line_is_longer_than_the_bound() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed on %s", ("a" * 10**6,),
                               None)
    assert _BoundedLogRecords().filter(record)
    assert len(record.getMessage()) < MAX_LOG_CHARS + 40 and "[1000010 chars]" in record.getMessage()


async def say_nothing(message: UserMessage) -> None:
    """Rasa with no model loaded: "Ignoring message as there is no agent to handle it"."""


@pytest.mark.parametrize("text, response", [("what is PRRT?", "utter_trouble"),
                                            ("x" * 2001, "utter_message_too_long")])
def test_with_no_model_loaded_the_channels_still_answer_from_the_domain(text, response) -> None:
    turns = Turns(Settings.from_environment({}))  # registered on no app: no agent
    output = CollectingOutputChannel()
    asyncio.run(turns.take(say_nothing, text, "anna-1", output, "rest"))
    expected = DOMAIN["responses"][response][0]
    assert output.messages[0]["text"] == expected["text"].format(max_chars=2000)
    assert output.messages[-1]["custom"]["kind"] == "fallback"  # the normal shape


class _Agent:
    """What Turns reads of Rasa's agent: its tracker store."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.tracker_store = InMemoryTrackerStore(Domain.empty())
        asyncio.run(self.tracker_store.save(tracker))


def turns_with_stored_turn(request: str) -> Turns:
    """A conversation whose turn ``request`` is stored with its answer, then one more turn."""
    tracker = DialogueStateTracker.from_events("anna-1", [
        UserUttered("what is PRRT?", message_id=request),
        BotUttered("PRRT is ...", data={"custom": {"kind": "answer"}, "buttons": None}),
        UserUttered("thanks", message_id="b" * 32), BotUttered("you are welcome"),
    ])
    turns = Turns(Settings.from_environment({}))
    turns.app = SimpleNamespace(ctx=SimpleNamespace(agent=_Agent(tracker)))  # type: ignore
    return turns


def test_a_retried_request_already_stored_gets_its_stored_answer_not_a_second_turn() -> None:
    """The proxy retried the request on this replica after the first died between saving the
    turn and answering: running it again would store the message twice."""
    handled: List[UserMessage] = []
    output = CollectingOutputChannel()
    turns = turns_with_stored_turn("a" * 32)
    asyncio.run(turns.take(handled.append, "what is PRRT?", "anna-1", output, "rest", "a" * 32))
    assert handled == []
    # Rasa's output channel sends a response's text and its custom payload as two messages.
    assert output.messages == [{"recipient_id": "anna-1", "text": "PRRT is ..."},
                               {"recipient_id": "anna-1", "custom": {"kind": "answer"}}]


def test_a_request_not_yet_stored_is_taken_under_its_request_id() -> None:
    handled: List[UserMessage] = []

    async def handle(message: UserMessage) -> None:
        handled.append(message)
        await answer(message)

    asyncio.run(turns_with_stored_turn("a" * 32).take(
        handle, "what is PRRT?", "anna-1", CollectingOutputChannel(), "rest", "c" * 32))
    assert [message.message_id for message in handled] == ["c" * 32]


def test_only_a_plausible_request_id_is_used() -> None:
    assert request_id("0123456789abcdef0123456789abcdef") == "0123456789abcdef0123456789abcdef"
    assert [request_id(h) for h in (None, "", "short", "x" * 65, "a b" * 10)] == [None] * 5
