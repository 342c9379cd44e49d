"""Shared fixtures: a model trained once per test run, and the assistant's real servers."""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import socketio
import yaml

from net_assistant.knowledge.citations import CitationWording, quote_text
from net_assistant.content.loading import PROJECT_DIR
from net_assistant.knowledge.sources import load_knowledge
from net_assistant.model import ensure_model
from net_assistant.servers import Assistant, free_port, start_assistant

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """Trains at most once per run; reuses a model whose training inputs are unchanged."""
    return ensure_model()


@pytest.fixture(scope="session")
def demo_page_port() -> int:
    """Where the browser tests serve the demo page: the one origin the servers allow."""
    return free_port()


@pytest.fixture(scope="session")
def assistant(trained_model: Path, tmp_path_factory: pytest.TempPathFactory,
              demo_page_port: int) -> Iterator[Assistant]:
    """The real action server and Rasa server (REST + Socket.IO) on free local ports."""
    workdir = tmp_path_factory.mktemp("assistant")
    with open(workdir / "servers.log", "w") as log:
        running = start_assistant(
            rasa_port=free_port(), action_port=free_port(),
            tracker_db=workdir / "tracker.db", interface="127.0.0.1", log=log,
            cors_origins=[f"http://127.0.0.1:{demo_page_port}"],
        )
        yield running
        running.stop()


def listening_hosts(port: int) -> List[str]:
    """The local addresses that listen on ``port`` (Linux /proc/net/tcp, IPv4 and IPv6)."""
    hosts = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as file:
            for line in file.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.rsplit(":", 1)
                if state == "0A" and int(hex_port, 16) == port:
                    hosts.append(address)
    return hosts


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Browser tests last: they are the slowest, so everything else reports first."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def post_json(url: str, payload: Dict[str, Any], timeout: float = 60) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


class Chat:
    """One conversation over the REST channel, as a client would hold it."""

    def __init__(self, rasa_url: str, sender: str) -> None:
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.sender = sender

    def send(self, message: str, timeout: float = 60) -> "Turn":
        return Turn(post_json(self.url, {"sender": self.sender, "message": message}, timeout))


class Turn:
    """The bot messages of one turn: texts, buttons, and the custom metadata."""

    def __init__(self, messages: List[Dict[str, Any]]) -> None:
        self.messages = messages
        self.texts = [m["text"] for m in messages if m.get("text")]
        self.buttons = [b for m in messages for b in m.get("buttons") or []]
        self.metadata = [m["custom"] for m in messages if m.get("custom")]

    @property
    def answers(self) -> List[Tuple[str, Dict[str, Any]]]:
        """(text, metadata) per bot answer: a custom payload closes the texts before it."""
        answers, texts = [], []
        for message in self.messages:
            if message.get("text"):
                texts.append(message["text"])
            if message.get("custom"):
                answers.append(("\n\n".join(texts), message["custom"]))
                texts = []
        return answers

    @property
    def text(self) -> str:
        return "\n\n".join(self.texts)

    @property
    def kinds(self) -> List[str]:
        return [meta["kind"] for meta in self.metadata]

    def last(self, key: str) -> Any:
        """A metadata field of the turn's last custom payload (its final word)."""
        return self.metadata[-1][key]


def sender_id(name: str) -> str:
    """A REST sender id (net_assistant.sessions.REST_SENDER) unique to ``name``."""
    digest = hashlib.sha1(name.encode()).hexdigest()[:10]
    return f"{re.sub(r'[^A-Za-z0-9._-]', '_', name)[:40]}-{digest}-{os.getpid()}"


@pytest.fixture
def chat(assistant: Assistant, request: pytest.FixtureRequest) -> Chat:
    """A fresh conversation with a sender id unique to the test."""
    return Chat(assistant.rasa_url, sender_id(request.node.name))


# --- traceability of what the assistant says --------------------------------------------------

DOMAIN: Dict[str, Any] = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text(encoding="utf-8"))
WORDING = CitationWording.from_responses(DOMAIN["responses"])
# The assistant's own sentences that an answer may put around the quoted passages.
FRAMING_RESPONSES = ("utter_not_covered_lead", "utter_care_team_knows_more", "utter_applies_to_you")
_FRAMING = [
    re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(DOMAIN["responses"][name][0]["text"])))
    for name in FRAMING_RESPONSES
]


def quoted_part(text: str) -> str:
    """An answer's text without its citation and without the assistant's framing sentences."""
    kept = [p for p in text.split("\n\n")
            if not p.startswith(("Source: ", "Sources: "))
            and not any(pattern.fullmatch(p) for pattern in _FRAMING)]
    return "\n\n".join(kept)


def assert_traceable(text: str, metadata: Dict[str, Any]) -> None:
    """An answer quotes exactly the passages its metadata names, each traced to its source."""
    knowledge = load_knowledge()
    quoted = quoted_part(text)
    if metadata.get("patient_quote"):
        quote = next(q for q in knowledge.quotes if q.id == metadata["patient_quote"])
        assert quoted == quote_text(quote, WORDING) and knowledge.is_traceable(quote.text), text
        return
    assert metadata["passages"], metadata
    assert quoted == "\n\n".join(knowledge.passage(i).text for i in metadata["passages"]), text
    assert knowledge.is_traceable(quoted), text


class SocketChat:
    """One Socket.IO client, as the widget talks (HTTP long-polling: this aiohttp is too old
    for python-engineio's WebSocket client; the browser tests use WebSockets)."""

    def __init__(self, url: str, origin: Optional[str] = None) -> None:
        self.url = url
        self.origin = origin  # None: no Origin header, as a client that is not a browser
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: List[Dict[str, Any]] = []
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.client.on("session_confirm", self.confirmed.put_nowait)
        self.client.on("bot_uttered", self.received.append)

    @classmethod
    def to(cls, assistant: Assistant, origin: Optional[str] = None) -> SocketChat:
        """A widget on the assistant's first allowed origin (or on ``origin``)."""
        return cls(assistant.rasa_url, origin or assistant.origins()[0])

    async def __aenter__(self) -> SocketChat:
        headers = {"Origin": self.origin} if self.origin else {}
        # wait_timeout: a busy server may take longer than the client's default second to
        # accept the namespace (200 sockets connecting at once).
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["polling"],
                                  headers=headers, wait_timeout=30)
        return self

    async def __aexit__(self, *_: Any) -> None:
        # Not client.disconnect(): over polling it waits for the long poll (~30 s) to end.
        await self.client.eio.disconnect(abort=True)

    async def session(self, session_id: Optional[str] = None) -> str:
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 30)

    async def say(self, message: Any, session_id: Optional[str] = None) -> Dict[str, Any]:
        """The metadata of the answer to ``message``."""
        since = len(self.received)
        await self.client.emit("user_uttered", {"message": message, "session_id": session_id})
        return await self.wait_for_custom(since)

    async def say_and_wait_text(self, message: str) -> str:
        since = len(self.received)
        await self.say(message)
        return " ".join(m["text"] for m in self.received[since:] if "text" in m)

    async def wait_for_custom(self, since: int, timeout: float = 60) -> Dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            customs = [m["custom"] for m in self.received[since:] if "custom" in m]
            if customs:
                await asyncio.sleep(0.3)  # the rest of the turn
                return [m["custom"] for m in self.received[since:] if "custom" in m][-1]
            await asyncio.sleep(0.05)
        raise AssertionError(f"no answer within {timeout}s: {self.received[since:]}")


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
