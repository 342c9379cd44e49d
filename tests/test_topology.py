"""The scale-out topology for real (tests/topology.py): two Rasa servers and two action
servers behind nginx, conversations in PostgreSQL, Rasa's lock store in Redis."""
from __future__ import annotations

import json
import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator, List

import pytest
import sqlalchemy as sa

from net_assistant.content import PROJECT_DIR
from net_assistant.conversation_store import store_config, store_url
from net_assistant.report.build import read_figures
from net_assistant.sessions import SessionIds
from tests.conftest import Chat, SocketChat, Turn, run
from tests.topology import Topology, start_topology

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def topology(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    yield from start_topology(trained_model, tmp_path_factory.mktemp("topology"))


def stored_user_messages(topology: Topology, sender: str) -> List[str]:
    engine = sa.create_engine(topology.database_url())
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
            {"s": sender}).all()
    engine.dispose()
    return [json.loads(row[0])["text"] for row in rows]


def answered(turn: Turn) -> bool:
    """A real answer (the trouble reply would have the kind ``fallback`` and no topic)."""
    return any(m.get("kind") == "answer" for m in turn.metadata)


def test_a_conversation_served_by_both_replicas_keeps_its_context_once(topology) -> None:
    chat = Chat(topology.url, f"topology-{uuid.uuid4().hex[:8]}")
    messages = ["what is PRRT?", "how is it given?", "and what is it for?", "how long does it take?"]
    turns = [chat.send(message) for message in messages]
    assert all(answered(turn) for turn in turns), [t.metadata for t in turns]
    # The follow-ups name no treatment: only the stored context says it is PRRT.
    assert all(t.metadata[-1]["topic"] == "prrt" for t in turns)
    served_by = [server for server in topology.rasa
                 if chat.sender in Path(server.log.name).read_text()]
    assert len(served_by) == 2  # nginx sent the turns to both replicas
    assert stored_user_messages(topology, chat.sender) == messages  # each event once


def test_a_widget_conversation_through_nginx_keeps_its_session_and_context(topology) -> None:
    """Socket.IO through the proxy's sticky upstream: long-polling requests of one session
    reach the replica that holds it, and a reconnect with the issued id continues it."""
    async def scenario() -> str:
        async with SocketChat(topology.url) as chat:
            session_id = await chat.session()
            assert (await chat.say("tell me about chemotherapy"))["topic"] == "chemotherapy"
        async with SocketChat(topology.url) as again:
            assert await again.session(session_id) == session_id
            follow_up = await again.say("and how is it given?")
            assert (follow_up["topic"], follow_up["aspect"]) == ("chemotherapy", "how_given")
        return session_id

    session_id = run(scenario())
    assert stored_user_messages(topology, SessionIds.tracker_id(session_id)) == [
        "tell me about chemotherapy", "and how is it given?"]


def test_the_editors_report_reads_the_postgresql_store_the_servers_write(topology) -> None:
    """`make report` with NET_ENDPOINTS=endpoints.production.yml: the same configuration (and
    environment) as the servers, PostgreSQL instead of SQLite."""
    chat = Chat(topology.url, f"report-{uuid.uuid4().hex[:8]}")
    assert answered(chat.send("what is lanreotide?"))
    url = store_url(store_config(PROJECT_DIR / "endpoints.production.yml"))
    assert url.get_backend_name() == "postgresql"
    figures = read_figures(url, quiet=True)
    engine = sa.create_engine(topology.database_url())
    with engine.connect() as connection:
        senders = connection.execute(sa.text(
            "SELECT COUNT(DISTINCT sender_id) FROM events")).scalar_one()
    engine.dispose()
    assert figures.senders == senders >= 2
    assert any(topic == "somatostatin_analogues" for topic, _ in figures.questions)


def test_200_simultaneous_conversations_lose_nothing(topology) -> None:
    """The issue's load target: no error, no empty reply, every message stored exactly once.
    (Throughput is printed for the record; the benchmark owns the speed figures.)"""
    chats = [Chat(topology.url, f"load-{index}-{uuid.uuid4().hex[:6]}") for index in range(200)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=200) as pool:
        turns = list(pool.map(lambda chat: chat.send("what is PRRT?", timeout=300), chats))
    seconds = time.perf_counter() - started
    print(f"200 simultaneous conversations through nginx: {200 / seconds:.1f} messages/s")
    assert all(answered(turn) for turn in turns), sum(not answered(t) for t in turns)
    engine = sa.create_engine(topology.database_url())
    with engine.connect() as connection:
        counts = dict(connection.execute(sa.text(
            "SELECT sender_id, COUNT(*) FROM events WHERE type_name = 'user' "
            "AND sender_id LIKE 'load-%' GROUP BY sender_id")).all())
    engine.dispose()
    assert counts == {chat.sender: 1 for chat in chats}


def test_service_recovers_when_postgresql_restarts(topology) -> None:
    chat = Chat(topology.url, f"restart-{uuid.uuid4().hex[:8]}")
    assert answered(chat.send("what is lanreotide?"))
    topology.postgres.stop()
    topology.postgres.start()
    # The first turn after the restart may meet a dropped connection (and get the polite
    # "trouble" reply); the service recovers without restarting anything.
    turns = [chat.send("how is it given?") for _ in range(3)]
    assert answered(turns[-1]) and turns[-1].metadata[-1]["topic"] == "somatostatin_analogues"


def test_the_other_replica_serves_on_when_one_is_killed(topology) -> None:
    chats = [Chat(topology.url, f"kill-{index}-{uuid.uuid4().hex[:6]}") for index in range(6)]
    assert all(answered(chat.send("what is surgery for NETs?")) for chat in chats[:3])
    topology.rasa[0].processes["rasa"].send_signal(signal.SIGKILL)
    topology.rasa[0].processes["rasa"].wait(timeout=30)
    turns = [chat.send("what is chemotherapy?") for chat in chats]
    assert all(answered(turn) for turn in turns), [t.metadata for t in turns]
    for chat in chats[:3]:
        assert stored_user_messages(topology, chat.sender) == [
            "what is surgery for NETs?", "what is chemotherapy?"]
    for chat in chats[3:]:
        assert stored_user_messages(topology, chat.sender) == ["what is chemotherapy?"]
