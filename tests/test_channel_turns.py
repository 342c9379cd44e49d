"""A turn in the channels (net_assistant/channels.py), without a server: what is logged (ids,
sizes and outcomes by default, the message text only with the development switch
NET_LOG_MESSAGE_TEXT=1, never a line longer than MAX_LOG_CHARS), and the channels' own replies
when no model is loaded. Fast: a stand-in for Rasa's message handler."""
from __future__ import annotations

import asyncio
import logging

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from net_assistant.channels import MAX_LOG_CHARS, Turns, _BoundedLogRecords
from net_assistant.settings import Settings
from tests.conftest import DOMAIN

TEXT = "my scan MARKER-7d1e showed something"


async def answer(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, "an answer")


def turn_log(caplog: pytest.LogCaptureFixture, switch: str) -> str:
    turns = Turns(Settings.from_environment({"NET_LOG_MESSAGE_TEXT": switch}))
    with caplog.at_level(logging.INFO, logger="net_assistant.channels"):
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
