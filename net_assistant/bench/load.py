"""The load generator: simulated users holding multi-turn conversations (a separate process).

``python -m net_assistant.bench.load --url http://127.0.0.1:5005 --users 10 --seconds 30
--out records.json`` — every user, in a loop, starts a new conversation from CONVERSATIONS and
sends its messages one after another: even-numbered users over REST, odd-numbered over
Socket.IO (session_request → session_confirm, then user_uttered; answers as bot_uttered).
After each answer a user reads for READING_SECONDS before the next message. A Socket.IO answer
has no end marker, so it counts as complete once no further bot message arrives within that
reading time; its latency is the time to the *last* bot message of the turn, for REST the time
to the response. ``--no-reading``: REST users only, with no reading time (saturation).
``--turns 100`` instead holds one REST conversation of that many turns
(latency against conversation length). Progress goes to stderr; records to ``--out``.
It runs apart from the servers so its own CPU time shows up as load, not as server time.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any, List, Optional, Sequence

import aiohttp
import socketio

from net_assistant.bench.stats import Record

if not hasattr(aiohttp, "ClientWSTimeout"):
    # python-engineio 4.15's WebSocket client asks for aiohttp >= 3.10's ClientWSTimeout; the
    # locked aiohttp 3.9 (Rasa's) takes the close timeout as a plain number instead.
    setattr(aiohttp, "ClientWSTimeout", lambda ws_close: ws_close)

# Realistic conversations: treatment questions and follow-ups, the support form with a country
# answer, a personal question, small talk. None is copied from a held-out set.
CONVERSATIONS: Sequence[Sequence[str]] = (
    ("hello", "what is PRRT?", "how is it given?", "what is it meant to achieve?", "thanks"),
    ("what are the treatment options for NETs", "tell me about surgery",
     "is surgery used when the tumour has spread", "are there support groups?", "Germany",
     "thank you, bye"),
    ("hi there", "how is lanreotide given?", "how often do I need it?",
     "should I stop my lanreotide?", "ok thanks"),
    ("are you a robot?", "I'm looking for a support group for NET patients", "I live in France",
     "what about chemotherapy?", "bye"),
    ("my mum has just been diagnosed, what are the treatment options?",
     "what is liver directed therapy", "what's the weather like", "thanks a lot"),
)
# One long conversation cycles through these ten, so turn k and turn k + 90 are the same message.
LONG_CONVERSATION: Sequence[str] = (
    "what is PRRT?", "how is it given?", "tell me about surgery", "how is lanreotide given?",
    "what is chemotherapy used for", "thanks", "what about targeted therapy?",
    "what is liver directed therapy", "what's the weather like", "what is interferon",
)
READING_SECONDS = 0.2
READING = {"rest": READING_SECONDS}  # --no-reading: REST users send again at once
TIMEOUT_SECONDS = 120.0


class Clock:
    """Seconds since the run began; the measuring window closes at ``deadline``."""

    def __init__(self, seconds: float) -> None:
        self.origin = time.perf_counter()
        self.deadline = seconds

    def now(self) -> float:
        return time.perf_counter() - self.origin

    def open(self) -> bool:
        return self.now() < self.deadline


class RestUser:
    """One user over REST, on a kept-alive connection, as a browser would hold it."""

    transport = "rest"

    def __init__(self, url: str, http: aiohttp.ClientSession) -> None:
        self.url = f"{url}/webhooks/rest/webhook"
        self.http = http
        self.sender = ""

    async def start_conversation(self) -> None:
        self.sender = f"bench-{uuid.uuid4().hex[:20]}"

    async def say(self, text: str) -> bool:
        async with self.http.post(self.url, json={"sender": self.sender, "message": text},
                                  timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)) as reply:
            body = await reply.json()
            return reply.status == 200 and isinstance(body, list) and bool(body)

    async def close(self) -> None:
        """Nothing to close: the HTTP session is shared and closed by the run."""


class SocketUser:
    """One user over Socket.IO (WebSocket transport), as the widget holds it."""

    transport = "socketio"

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.session: Optional[str] = None
        self.confirmed = asyncio.Event()
        self.arrivals: asyncio.Queue = asyncio.Queue()
        self.client.on("session_confirm", self._confirmed)
        self.client.on("bot_uttered", self._uttered)

    async def _confirmed(self, session_id: Any) -> None:
        self.session = session_id if isinstance(session_id, str) else None
        self.confirmed.set()

    async def _uttered(self, _message: Any) -> None:
        self.arrivals.put_nowait(time.perf_counter())

    async def start_conversation(self) -> None:
        if not self.client.connected:
            await self.client.connect(self.url, transports=["websocket"],
                                      socketio_path="socket.io", wait_timeout=30)
        self.confirmed.clear()
        await self.client.emit("session_request", {"session_id": None})
        await asyncio.wait_for(self.confirmed.wait(), TIMEOUT_SECONDS)

    async def say(self, text: str) -> bool:
        """True once a bot message came and no other followed within the reading time; the
        latency the caller records ends at the last one (``last_arrival``)."""
        while not self.arrivals.empty():
            self.arrivals.get_nowait()
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session})
        self.last_arrival = await asyncio.wait_for(self.arrivals.get(), TIMEOUT_SECONDS)
        while True:
            try:
                self.last_arrival = await asyncio.wait_for(self.arrivals.get(), READING_SECONDS)
            except asyncio.TimeoutError:
                return True

    async def close(self) -> None:
        await self.client.disconnect()


async def _turn(user: Any, text: str, turn: int, clock: Clock, records: List[Record]) -> None:
    started = clock.now()
    began = time.perf_counter()
    try:
        ok = await user.say(text)
    except (aiohttp.ClientError, asyncio.TimeoutError, socketio.exceptions.SocketIOError,
            ValueError):
        ok = False
    ended = getattr(user, "last_arrival", None) if user.transport == "socketio" else None
    seconds = (ended or time.perf_counter()) - began
    records.append(Record(started, seconds, user.transport, turn, ok))
    if user.transport == "rest" and READING["rest"]:
        await asyncio.sleep(READING["rest"])


async def _hold_conversations(user: Any, first: int, clock: Clock,
                              records: List[Record]) -> None:
    offset = first % len(CONVERSATIONS)  # users start at different conversations
    scripts = itertools.cycle([*CONVERSATIONS[offset:], *CONVERSATIONS[:offset]])
    try:
        while clock.open():
            await user.start_conversation()
            for turn, text in enumerate(next(scripts), start=1):
                if not clock.open():
                    break
                await _turn(user, text, turn, clock, records)
    except (aiohttp.ClientError, asyncio.TimeoutError, socketio.exceptions.SocketIOError):
        records.append(Record(clock.now(), 0.0, user.transport, 0, ok=False))
    finally:
        await user.close()


async def _progress(clock: Clock, records: List[Record], label: str) -> None:
    while True:
        await asyncio.sleep(5)
        errors = sum(not r.ok for r in records)
        print(f"  {label}: {clock.now():5.0f}/{clock.deadline:.0f} s, {len(records)} messages, "
              f"{errors} errors", file=sys.stderr, flush=True)


async def run_users(url: str, users: int, seconds: float, label: str,
                    rest_only: bool = False) -> List[Record]:
    """``users`` users holding conversations for ``seconds``; messages in flight at the end
    are waited for and counted."""
    records: List[Record] = []
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        clock = Clock(seconds)
        crowd = [RestUser(url, http) if rest_only or i % 2 == 0 else SocketUser(url)
                 for i in range(users)]
        reporter = asyncio.ensure_future(_progress(clock, records, label))
        await asyncio.gather(*(_hold_conversations(u, i, clock, records)
                               for i, u in enumerate(crowd)))
        reporter.cancel()
    return records


async def run_long_conversation(url: str, turns: int, label: str) -> List[Record]:
    """One REST conversation of ``turns`` messages, one after another."""
    records: List[Record] = []
    async with aiohttp.ClientSession() as http:
        user = RestUser(url, http)
        await user.start_conversation()
        clock = Clock(float("inf"))
        for turn in range(1, turns + 1):
            await _turn(user, LONG_CONVERSATION[(turn - 1) % len(LONG_CONVERSATION)], turn,
                        clock, records)
            if turn % 25 == 0:
                print(f"  {label}: turn {turn}/{turns}", file=sys.stderr, flush=True)
    return records


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Simulated users for the benchmark")
    parser.add_argument("--url", required=True, help="the Rasa server, http://host:port")
    parser.add_argument("--users", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--turns", type=int, help="one conversation of this many turns instead")
    parser.add_argument("--label", default="load")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-reading", action="store_true",
                        help="REST users only, each sending its next message at once: the "
                             "server's throughput when it is never waiting for users")
    args = parser.parse_args(argv)
    if args.no_reading:
        READING["rest"] = 0.0
    if args.turns:
        records = asyncio.run(run_long_conversation(args.url, args.turns, args.label))
    else:
        records = asyncio.run(run_users(args.url, args.users, args.seconds, args.label,
                                        rest_only=args.no_reading))
    args.out.write_text(json.dumps([asdict(r) for r in records]))


if __name__ == "__main__":
    main()
