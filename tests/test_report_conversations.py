"""The report and retention on real conversations with the real servers (tracker store SQLite).

Conversations are had with the running assistant; the report is built from a copy of just their
rows, so its counts can be compared with what the client saw. Retention runs against the live
store the server is using, while the server serves.
"""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List

import pytest
import sqlalchemy as sa

from net_assistant.content.loading import PROJECT_DIR
from net_assistant.knowledge.sources import load_knowledge
from net_assistant.report.build import write_report
from net_assistant.knowledge.terminology import load_terminology
from tests.conftest import DOMAIN, Chat
from tests.real_conversations import (
    SECRETS, Recorded, copy_conversations, have_conversations, shift_days,
)

pytestmark = pytest.mark.slow

DISCLAIMER = "can't give medical advice"
OUT_OF_SCOPE_REPLY = DOMAIN["responses"]["utter_out_of_scope"][0]["text"]


class Tables(HTMLParser):
    """The text of every table row, per section id, and the totals at the top."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: Dict[str, List[List[str]]] = defaultdict(list)
        self.section = "header"
        self.row: List[str] = []
        self.cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.section = dict(attrs)["id"]
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr":
            self.rows[self.section].append(self.row)

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def tables(html: str) -> Dict[str, List[List[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.rows


@pytest.fixture(scope="module")
def recorded(assistant) -> Recorded:
    return have_conversations(assistant.rasa_url, f"report-{os.getpid()}")


@pytest.fixture(scope="module")
def store(assistant, recorded: Recorded, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("report") / "tracker.db"
    return copy_conversations(assistant.tracker_db, recorded.senders, copy)


def sqlite_url(path: Path) -> sa.engine.URL:
    return sa.engine.make_url(f"sqlite:///{path}")


def test_the_conversations_had_every_kind_the_report_counts(recorded: Recorded):
    kinds = recorded.kinds()
    assert kinds["answer"] >= 4 and kinds["escalation"] == 1 and kinds["emergency"] == 1
    assert kinds["fallback"] == 3  # the weather, and the two messages with contact details
    assert any(meta.get("not_covered") for meta in recorded.finals())


def test_the_report_counts_what_the_conversations_were(recorded: Recorded, store: Path,
                                                       tmp_path: Path):
    html = write_report(sqlite_url(store), tmp_path / "r.html", quiet=True).read_text()
    rows = tables(html)
    messages = sum(len(turns) for turns in recorded.turns.values())
    totals = re.findall(r"<li><strong>(\d+)</strong>([^<]+)</li>", html)
    assert dict((label, int(n)) for n, label in totals)["Conversations"] == len(recorded.senders)
    assert dict((label, int(n)) for n, label in totals)["Messages"] == messages

    names = {t.id: t.name for t in load_terminology().treatments.values()}
    per_topic = Counter()
    for topic, _aspect, count in rows["topics"][1:]:
        per_topic[topic] += int(count)
    assert per_topic == {names[t]: n for t, n in recorded.answers_per_topic().items()}
    not_covered = [r for r in rows["topics"][1:] if r[:2] == [names["prrt"], "side effects"]]
    assert not_covered == [[names["prrt"], "side effects", "1"]]

    outcomes = {name: int(count) for name, count, _share in rows["outcomes"][1:]}
    assert outcomes["Sent to the care team"] == outcomes["Emergency"] == 1
    # the client tells a declined message from a not-understood one by the reply's words
    declined = [turn for turns in recorded.turns.values() for _, turn in turns
                if OUT_OF_SCOPE_REPLY in turn.text]
    assert outcomes["Out of scope"] == len(declined) >= 1
    assert outcomes["Not understood (fallback)"] == recorded.kinds()["fallback"] - len(declined)
    assert sum(outcomes.values()) == messages


def test_the_report_shows_no_sender_id_and_nothing_unredacted(recorded: Recorded, store: Path,
                                                              tmp_path: Path):
    html = write_report(sqlite_url(store), tmp_path / "r.html", quiet=True).read_text()
    assert not [sender for sender in recorded.senders if sender in html]
    assert not [secret for secret in SECRETS if secret in html]
    todo = [row[1] for row in tables(html)["todo"][1:]]
    assert "who won the football last night? email me at [email]" in todo
    assert "can you text the lottery numbers to [phone]" in todo
    assert "No feedback yet." in html


def test_a_report_over_the_live_store_shows_no_sender_id(assistant, recorded: Recorded,
                                                         tmp_path: Path):
    html = write_report(sqlite_url(assistant.tracker_db), tmp_path / "live.html",
                        quiet=True).read_text()
    with sqlite3.connect(assistant.tracker_db) as db:
        senders = [s for (s,) in db.execute("SELECT DISTINCT sender_id FROM events")]
    assert len(senders) >= len(recorded.senders)
    assert not [sender for sender in senders if sender in html]
    assert not [secret for secret in SECRETS if secret in html]


# Feedback given with the buttons, in conversations of their own: (name, messages).
RATED = (
    ("rated-chemo", ("tell me about chemotherapy", "/feedback_not_helpful",
                     "too vague, I wanted more detail")),
    ("rated-cost", ("how much does PRRT cost?", "/feedback_helpful")),
)


def test_days_feedback_and_the_to_do_list(assistant, recorded: Recorded, tmp_path: Path):
    """One conversation moved a day back; real feedback clicks after real answers, and a note
    on what a "not helpful" answer was missing."""
    rated = have_conversations(assistant.rasa_url, f"rated-{os.getpid()}", RATED)
    senders = recorded.senders + rated.senders
    db = copy_conversations(assistant.tracker_db, senders, tmp_path / "tracker.db")
    personal = next(s for s in recorded.senders if s.endswith("personal"))
    shift_days(db, personal, 1)
    html = write_report(sqlite_url(db), tmp_path / "r.html", quiet=True).read_text()
    rows = tables(html)

    with sqlite3.connect(db) as store_db:
        first = dict(store_db.execute("SELECT sender_id, MIN(timestamp) FROM events "
                                      "WHERE type_name = 'user' GROUP BY sender_id"))
        clicks = Counter(intent for (intent,) in store_db.execute(
            "SELECT intent_name FROM events WHERE type_name = 'user' AND intent_name LIKE "
            "'feedback%'"))
    assert clicks == {"feedback_helpful": 1, "feedback_not_helpful": 1}
    per_day = Counter(_day(first[s]) for s in senders)
    assert len(per_day) == 2
    assert {day: int(conversations) for day, conversations, _ in rows["activity"][1:]} == {
        day: per_day[day] for day in sorted(per_day)}
    escalations = {day: int(n) for day, n, _ in rows["safety"][1:]}
    assert escalations[_day(first[personal])] == 1 and sum(escalations.values()) == 1

    chemo_sender, cost_sender = rated.senders
    chemo = rated.turns[chemo_sender][0][1].metadata[-1]
    cost = rated.turns[cost_sender][0][1].metadata[-1]
    assert (chemo["kind"], cost["kind"]) == ("answer", "answer")
    # the replies to the clicks name the answers they rate
    assert rated.turns[chemo_sender][1][1].metadata[-1]["passages"] == chemo["passages"]
    assert rated.turns[cost_sender][1][1].metadata[-1]["passages"] == cost["passages"]
    terminology = load_terminology()
    names = {t.id: t.name for t in terminology.treatments.values()}
    # (helpful, not helpful) per topic and per passage of the answer each click rated
    assert [names["chemotherapy"], "0", "1"] in rows["feedback"]
    assert [names[cost["topic"]], "1", "0"] in rows["feedback"]
    for passage in chemo["passages"]:
        assert load_knowledge().passage(passage)
        assert [passage, "0", "1"] in rows["feedback"]
    assert html.count("<svg") == 6
    todo = {row[1]: row for row in rows["todo"][1:]}
    assert todo["tell me about chemotherapy"][3:] == [
        "rated not helpful (1)", names["chemotherapy"], terminology.aspects[chemo["aspect"]].label]
    assert todo["too vague, I wanted more detail"][3:] == [
        "what was missing (1)", names["chemotherapy"], terminology.aspects[chemo["aspect"]].label]
    assert todo["what are the side effects of PRRT?"][3] == "not covered (1)"
    outcomes = {name: int(count) for name, count, _share in rows["outcomes"][1:]}
    assert outcomes["Said what an answer was missing"] == 1


def _day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).date().isoformat()


# --- retention against the live server ------------------------------------------------------------

def events_per_sender(db: Path) -> Dict[str, int]:
    with sqlite3.connect(db) as store:
        return dict(store.execute("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id"))


def run_retention(assistant, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "net_assistant.retention", *args], cwd=PROJECT_DIR,
        env={**os.environ, "TRACKER_DB": str(assistant.tracker_db)},
        capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


def keep_talking(chat: Chat, done: threading.Event, replies: List[str]) -> None:
    """Send messages until ``done`` (and at least three), recording each final kind."""
    messages = ("what is PRRT?", "how is it given?", "thanks")
    while not done.is_set() or len(replies) < len(messages):
        try:
            replies.append(chat.send(messages[len(replies) % len(messages)]).last("kind"))
        except Exception as error:  # noqa: BLE001 - the test reports it
            replies.append(f"error: {error}")


def test_retention_deletes_exactly_the_old_conversations_while_the_server_serves(assistant):
    tag = f"retention-{os.getpid()}"
    old = [Chat(assistant.rasa_url, f"{tag}-old-{i}") for i in range(2)]
    recent = [Chat(assistant.rasa_url, f"{tag}-recent-{i}") for i in range(2)]
    for chat in old + recent:
        assert chat.send("tell me about chemotherapy").last("topic") == "chemotherapy"
    with sqlite3.connect(assistant.tracker_db) as db:  # as if they had ended 40 days ago
        db.execute(f"UPDATE events SET timestamp = timestamp - 40 * 86400 WHERE sender_id IN "
                   f"({', '.join('?' * len(old))})", [chat.sender for chat in old])
    before = events_per_sender(assistant.tracker_db)

    busy = Chat(assistant.rasa_url, f"{tag}-busy")  # someone talking all the while
    done, replies = threading.Event(), []
    talking = threading.Thread(target=keep_talking, args=(busy, done, replies))
    talking.start()
    output = run_retention(assistant, "--days", "30")
    done.set()
    talking.join(timeout=120)

    after = events_per_sender(assistant.tracker_db)
    assert set(before) - set(after) == {chat.sender for chat in old}
    assert all(after[sender] == count for sender, count in before.items() if sender in after)
    deleted = sum(before[chat.sender] for chat in old)
    assert f"Deleted 2 conversations ({deleted} events)" in output
    assert len(replies) >= 3 and set(replies) == {"answer", "smalltalk"}  # never an error
    assert busy.sender in after

    for chat in recent:  # recent conversations carry on where they were
        follow_up = chat.send("how is it given?")
        assert (follow_up.last("topic"), follow_up.last("aspect")) == ("chemotherapy", "how_given")
        assert DISCLAIMER not in follow_up.text
    restarted = old[0].send("what is PRRT?")  # a deleted one starts afresh
    assert DISCLAIMER in restarted.text and restarted.last("topic") == "prrt"


def test_one_persons_conversation_is_deleted_on_request(assistant):
    person = Chat(assistant.rasa_url, f"forget-me-{os.getpid()}")
    person.send("what is PRRT?")
    before = events_per_sender(assistant.tracker_db)
    output = run_retention(assistant, "--sender", person.sender)
    assert f"Deleted {before[person.sender]} events of that sender id" in output
    assert events_per_sender(assistant.tracker_db) == {
        s: n for s, n in before.items() if s != person.sender}

