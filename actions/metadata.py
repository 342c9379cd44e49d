"""The machine-readable metadata every bot answer carries (sent as Rasa ``json_message``).

The widget and the outside evaluation read it: ``kind`` says what sort of answer it is,
``topic``/``aspect`` what it is about, ``sources`` which source documents it quotes. A reply to
feedback (kind ``feedback``) names the answer it rates in the same fields.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

KINDS = ("answer", "escalation", "emergency", "support", "fallback", "smalltalk", "feedback")


def metadata(
    kind: str,
    topic: Optional[str] = None,
    aspect: Optional[str] = None,
    sources: Iterable[str] = (),
    **extra: Any,
) -> Dict[str, Any]:
    """The ``custom`` payload of one bot answer."""
    if kind not in KINDS:
        raise ValueError(f"unknown answer kind {kind!r}; expected one of {KINDS}")
    return {"kind": kind, "topic": topic, "aspect": aspect, "sources": list(sources), **extra}
