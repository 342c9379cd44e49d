"""Retention without servers: exactly the conversations whose last event is old go, and old
reports with them. The same against the live server: tests/test_report_conversations.py."""
from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Dict

import pytest
import sqlalchemy as sa

from net_assistant.report.synthetic import create_store, fill_store
from net_assistant.retention import (
    SECONDS_PER_DAY, delete_old_reports, delete_older_than, delete_sender, main, tracker_id,
    write_engine,
)
from net_assistant.sessions import SessionIds

DAYS = 10
END_DAY = 20_000
NOW = (END_DAY + 1) * SECONDS_PER_DAY  # midnight after the last synthetic day


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("filled") / "tracker.db"
    engine = create_store(f"sqlite:///{path}")
    fill_store(engine, 200, days=DAYS, end_day=END_DAY)
    engine.dispose()
    return path


@pytest.fixture
def store(filled: Path, tmp_path: Path) -> Path:
    """A fresh copy of the filled store for each test (they delete from it)."""
    return Path(shutil.copy(filled, tmp_path / "tracker.db"))


def events_per_sender(path: Path) -> Dict[str, int]:
    with sqlite3.connect(path) as db:
        return dict(Counter(sender for (sender,) in db.execute("SELECT sender_id FROM events")))


def last_event(path: Path) -> Dict[str, float]:
    last: Dict[str, float] = {}
    with sqlite3.connect(path) as db:
        for sender, timestamp in db.execute("SELECT sender_id, timestamp FROM events"):
            last[sender] = max(timestamp, last.get(sender, timestamp))
    return last


def engine_on(path: Path) -> sa.engine.Engine:
    return write_engine(sa.engine.make_url(f"sqlite:///{path}"))


@pytest.mark.parametrize("days", [0.5, 3, 7.25, 30])
def test_exactly_the_conversations_whose_last_event_is_older_than_n_days_go(store: Path, days):
    before = events_per_sender(store)
    old = {s for s, t in last_event(store).items() if t < NOW - days * SECONDS_PER_DAY}
    deleted = delete_older_than(engine_on(store), days, now=NOW)
    after = events_per_sender(store)
    assert set(after) == set(before) - old
    assert all(after[s] == before[s] for s in after)  # the rest keep every event
    assert (deleted.conversations, deleted.events) == (len(old), sum(before[s] for s in old))
    assert 0 < len(old) <= len(before) if days < DAYS else len(old) == 0


def test_a_conversation_still_going_on_is_never_cut_in_half(store: Path):
    with sqlite3.connect(store) as db:
        sender, first = db.execute("SELECT sender_id, MIN(id) FROM events GROUP BY sender_id "
                                   "ORDER BY MIN(timestamp) LIMIT 1").fetchone()
        db.execute("UPDATE events SET timestamp = ? WHERE id = (SELECT MAX(id) FROM events "
                   "WHERE sender_id = ?)", (NOW - 60, sender))
    count = events_per_sender(store)[sender]
    delete_older_than(engine_on(store), 1, now=NOW)
    assert events_per_sender(store)[sender] == count


def test_someone_who_comes_back_between_the_scan_and_the_deletion_is_kept(store: Path,
                                                                         monkeypatch):
    """The scan saw every conversation as old; one of them has a new message by the time the
    deletion runs: the check inside the transaction keeps it."""
    import net_assistant.retention as retention

    before = events_per_sender(store)
    back = sorted(before)[0]
    monkeypatch.setattr(retention, "last_event_times",
                        lambda engine: ((sender, 0.0) for sender in before))
    with sqlite3.connect(store) as db:
        db.execute("UPDATE events SET timestamp = ? WHERE id = (SELECT MAX(id) FROM events "
                   "WHERE sender_id = ?)", (NOW, back))
    deleted = delete_older_than(engine_on(store), 0, now=NOW)
    assert events_per_sender(store) == {back: before[back]}
    assert deleted.conversations == len(before) - 1


def test_a_dry_run_counts_and_deletes_nothing(store: Path):
    before = events_per_sender(store)
    counted = delete_older_than(engine_on(store), 3, now=NOW, dry_run=True)
    assert counted.conversations > 0 and events_per_sender(store) == before
    assert delete_older_than(engine_on(store), 3, now=NOW) == counted


def test_one_persons_conversation_is_deleted_on_request(store: Path):
    before = events_per_sender(store)
    sender = sorted(before)[17]
    assert delete_sender(engine_on(store), sender).events == before[sender]
    assert events_per_sender(store) == {s: n for s, n in before.items() if s != sender}
    assert delete_sender(engine_on(store), sender).events == 0


def test_reports_older_than_n_days_are_deleted(tmp_path: Path):
    names = ["report-2024-09-01.html", "report-2024-09-24.html", "report-2024-09-25.html",
             "report-2024-10-04.html", "notes.html", "report-latest.html"]
    for name in names:
        (tmp_path / name).write_text("x")
    assert delete_old_reports(10, today=date(2024, 10, 5), directory=tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:])


def test_the_command_takes_its_days_from_retention_days(store: Path, monkeypatch, capsys):
    monkeypatch.setenv("RETENTION_DAYS", "36500")
    assert main(["--db-url", f"sqlite:///{store}"]) == 0
    assert "Deleted 0 conversations (0 events) whose last message is over 36500 days old" in \
        capsys.readouterr().out
    old = [s for s, t in last_event(store).items() if t < NOW - 3 * SECONDS_PER_DAY]
    monkeypatch.setenv("RETENTION_DAYS", f"{(time.time() - NOW) / SECONDS_PER_DAY + 3:.4f}")
    assert main(["--db-url", f"sqlite:///{store}", "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith(f"Would delete {len(old)} conversations")
    assert len(old) == 140  # 7 of the 10 days, 20 conversations a day


def test_the_command_needs_a_number_of_days(store: Path, monkeypatch, capsys):
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["--db-url", f"sqlite:///{store}"])
    assert exit_info.value.code == 2 and "give --days N or --sender ID" in capsys.readouterr().err
    monkeypatch.setenv("RETENTION_DAYS", "ninety")
    with pytest.raises(SystemExit):
        main(["--db-url", f"sqlite:///{store}"])
    assert "RETENTION_DAYS must be a number of days" in capsys.readouterr().err


def test_the_command_deletes_one_sender(store: Path, capsys):
    sender = sorted(events_per_sender(store))[3]
    assert main(["--db-url", f"sqlite:///{store}", "--sender", sender]) == 0
    assert "events of that sender id" in capsys.readouterr().out
    assert sender not in events_per_sender(store)


def test_a_persons_conversation_can_be_found_by_what_they_wrote(store: Path, capsys):
    with sqlite3.connect(store) as db:
        expected = Counter(sender for sender, data in db.execute(
            "SELECT sender_id, data FROM events WHERE type_name = 'user'")
            if "taxi" in json.loads(data)["text"].lower())
        last = dict(db.execute("SELECT sender_id, MAX(timestamp) FROM events "
                               "WHERE type_name = 'user' GROUP BY sender_id"))
    assert expected
    before = events_per_sender(store)
    assert main(["--db-url", f"sqlite:///{store}", "--find", "TAXI"]) == 0
    lines = capsys.readouterr().out.splitlines()
    found = {line.split("\t")[0]: int(line.split("\t")[2].split()[0]) for line in lines}
    assert found == expected
    when = {line.split("\t")[0]: line.split("\t")[1] for line in lines}
    assert all(when[s] == "last message " + datetime.fromtimestamp(
        last[s], tz=timezone.utc).isoformat(timespec="minutes") for s in expected)
    assert events_per_sender(store) == before  # nothing deleted


def test_a_widget_session_id_names_its_stored_conversation() -> None:
    session_id = SessionIds(b"secret").issue()
    assert tracker_id(session_id) == SessionIds.tracker_id(session_id)
    assert tracker_id(session_id).startswith("socketio:") and "." not in tracker_id(session_id)
    assert tracker_id("anna-rest-client") == "anna-rest-client"
