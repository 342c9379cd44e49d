"""Bounds on what one message may cost, whatever its content.

spaCy's tokenizer splits a run of punctuation or emoji without spaces one character at a time,
re-reading the rest of the run each time: its cost grows with the square of the run's length
(16,000 "?" took 20 s, and froze every other conversation meanwhile). No question needs more
than ``MAX_MESSAGE_CHARS`` characters or a "word" of more than ``MAX_RUN_CHARS``, so everything
the NLU and the safety rules read passes through :func:`bound_text` first.
"""
from __future__ import annotations

import re

# The most the classifier and the safety rules read of a message; the channels refuse longer
# messages with a polite reply (net_assistant.settings.MAX_MESSAGE_CHARS_VARIABLE).
MAX_MESSAGE_CHARS = 2000
# Longer runs without white space are cut into pieces of this length for the tokenizer.
MAX_RUN_CHARS = 100
# The largest Socket.IO frame the server reads (engine.io's default, 1 MB, dropped larger ones
# without a word): up to this size an over-long message gets the polite too-long reply like any
# other; reading it costs a copy of the frame, nothing more. Larger frames close the connection
# (the transport refuses them); the widget never sends one (net-widget-core.js).
MAX_SOCKET_FRAME_BYTES = 8 * 1024 * 1024
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN_CHARS + 1))
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"


def bound_text(text: str, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """The first ``max_chars`` characters of ``text``, long runs without spaces broken up."""
    return _LONG_RUN.sub(_break_run, text[:max_chars])


def _break_run(match: re.Match) -> str:
    run = match.group()
    return " ".join(run[i:i + MAX_RUN_CHARS] for i in range(0, len(run), MAX_RUN_CHARS))


def without_lone_surrogates(text: str) -> str:
    """``text`` with unpaired UTF-16 surrogates (valid JSON, but not encodable as UTF-8, so
    they broke the tracker store and the logs) replaced by U+FFFD."""
    return _LONE_SURROGATE.sub(REPLACEMENT_CHARACTER, text)
