"""Delete old conversations, or one person's conversation on request (``make retention``).

``python -m net_assistant.retention --days N`` deletes every conversation (every event of a
sender id) whose *last* event is older than N days — a conversation still going on is never cut
in half — and the editors' reports older than N days, which quote (redacted) messages.
``--days`` defaults to the environment variable RETENTION_DAYS. ``--sender ID`` deletes one
sender's whole conversation, whatever its age; ``--find TEXT`` lists the sender ids whose
messages contain TEXT, to find a person's conversation from what they remember writing.
``--dry-run`` only counts.

Safe while the server runs: the store is scanned for candidates in short batches, then one
transaction that holds the write lock from its start (SQLite ``BEGIN IMMEDIATE``; PostgreSQL
locks the table against writers) checks each candidate's last event again and deletes those
still old, so no event can slip in between the check and the deletion. The server's own writes
wait for that transaction (SQLite: up to its busy timeout, 5 s in Rasa), which is short for a
daily run (one day's conversations).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from itertools import groupby
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine

from net_assistant.conversation_store import (
    ENDPOINTS_FILE, StoreError, configured_url, describe, last_event_times, open_store,
    stream_events,
)
from net_assistant.report import REPORT_PREFIX, REPORTS_DIR
from net_assistant.sessions import SESSION_ID, SessionIds

SECONDS_PER_DAY = 86400
RETENTION_ENV = "RETENTION_DAYS"
SENDERS_PER_STATEMENT = 500
_SENDERS = sa.bindparam("senders", expanding=True)
STILL_OLD = sa.text("SELECT sender_id FROM events WHERE sender_id IN :senders GROUP BY sender_id "
                    "HAVING MAX(timestamp) < :cutoff").bindparams(_SENDERS)
COUNT_EVENTS = sa.text("SELECT COUNT(*) FROM events WHERE sender_id IN :senders").bindparams(_SENDERS)
DELETE_EVENTS = sa.text("DELETE FROM events WHERE sender_id IN :senders").bindparams(_SENDERS)


@dataclass(frozen=True)
class Deleted:
    conversations: int
    events: int
    reports: int = 0


def write_engine(url: URL) -> Engine:
    """An engine whose transactions take the write lock as they begin (SQLite), so what is
    counted is exactly what is deleted."""
    engine = open_store(url)
    if url.get_backend_name() == "sqlite":
        @event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")


def delete_older_than(engine: Engine, days: float, now: Optional[float] = None,
                      dry_run: bool = False) -> Deleted:
    """Delete every sender whose last event is more than ``days`` days old.

    The store is first read in short batches for candidates (never holding a lock for long);
    then one transaction, holding the write lock, checks each candidate's last event again
    (a person may have just come back) and deletes those still old."""
    cutoff = (now if now is not None else time.time()) - days * SECONDS_PER_DAY
    candidates = [sender for sender, last in last_event_times(engine) if last < cutoff]
    conversations = events = 0
    with engine.begin() as connection:
        _lock(connection)
        for chunk in _chunks(candidates, SENDERS_PER_STATEMENT):
            still_old = list(connection.execute(STILL_OLD, {"senders": chunk, "cutoff": cutoff})
                             .scalars())
            if not still_old:
                continue
            conversations += len(still_old)
            events += connection.execute(COUNT_EVENTS, {"senders": still_old}).scalar_one()
            if not dry_run:
                connection.execute(DELETE_EVENTS, {"senders": still_old})
    return Deleted(conversations, events)


def _chunks(items: List[str], size: int) -> Iterator[List[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def delete_sender(engine: Engine, sender_id: str, dry_run: bool = False) -> Deleted:
    """Delete one sender's whole conversation (a person's request to be forgotten)."""
    with engine.begin() as connection:
        _lock(connection)
        events = connection.execute(sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :s"),
                                    {"s": sender_id}).scalar_one()
        if not dry_run:
            connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender_id})
    return Deleted(1 if events else 0, events)


def find_senders(engine: Engine, text: str) -> Iterator[Tuple[str, float, int]]:
    """(sender id, time of its last message, messages containing ``text``) per sender whose
    messages contain ``text`` (any case)."""
    wanted = text.casefold()
    for sender, events in groupby(stream_events(engine, ("user",)), key=lambda e: e.sender_id):
        messages = list(events)
        found = sum(wanted in str(json.loads(e.data).get("text") or "").casefold()
                    for e in messages)
        if found:
            yield sender, messages[-1].timestamp, found


def delete_old_reports(days: float, today: Optional[date] = None,
                       directory: Path = REPORTS_DIR, dry_run: bool = False) -> int:
    """Delete the reports dated more than ``days`` days before ``today``."""
    cutoff = (today or date.today()) - timedelta(days=days)
    old = [path for path in directory.glob(f"{REPORT_PREFIX}*.html")
           if (_report_date(path) or cutoff) < cutoff]
    for path in old if not dry_run else []:
        path.unlink()
    return len(old)


def _report_date(path: Path) -> Optional[date]:
    try:
        return date.fromisoformat(path.stem[len(REPORT_PREFIX):])
    except ValueError:
        return None


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m net_assistant.retention",
        description="Delete conversations whose last message is older than N days (and "
                    "reports older than N days), or one sender's conversation.")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--days", type=float,
                        help=f"keep N days [the environment variable {RETENTION_ENV}]")
    target.add_argument("--sender", help="delete this sender id's conversation, whatever its age")
    target.add_argument("--find", metavar="TEXT",
                        help="list the sender ids whose messages contain TEXT (deletes nothing)")
    parser.add_argument("--dry-run", action="store_true", help="only count what would go")
    parser.add_argument("--endpoints", type=Path, default=ENDPOINTS_FILE,
                        help="the endpoints file whose tracker_store to prune [endpoints.yml]")
    parser.add_argument("--db-url", help="an SQLAlchemy URL instead of the configured store")
    args = parser.parse_args(argv)
    by_age = args.sender is None and args.find is None
    if by_age and args.days is None:
        args.days = _env_days(parser)
    if by_age and args.days is None:
        parser.error(f"give --days N or --sender ID, or set {RETENTION_ENV}")
    if by_age and args.days < 0:
        parser.error("--days must not be negative")
    return args


def _env_days(parser: argparse.ArgumentParser) -> Optional[float]:
    value = os.environ.get(RETENTION_ENV, "").strip()
    try:
        return float(value) if value else None
    except ValueError:
        parser.error(f"{RETENTION_ENV} must be a number of days, not {value!r}")


def tracker_id(sender: str) -> str:
    """The stored id of a conversation: a widget's session id (``<random>.<signature>``, as
    the person finds it in their browser) is stored as ``socketio:<random>``."""
    if SESSION_ID.fullmatch(sender):
        return SessionIds.tracker_id(sender)
    return sender


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    verb = "Would delete" if args.dry_run else "Deleted"
    try:
        url = sa.engine.make_url(args.db_url) if args.db_url else configured_url(args.endpoints)
        engine = write_engine(url)
        if args.find is not None:
            for sender, last, count in find_senders(engine, args.find):
                when = datetime.fromtimestamp(last, tz=timezone.utc).isoformat(timespec="minutes")
                print(f"{sender}\tlast message {when}\t{count} matching message(s)")
        elif args.sender is not None:
            done = delete_sender(engine, tracker_id(args.sender), args.dry_run)
            print(f"{verb} {done.events} events of that sender id in the {describe(url)}."
                  if done.events else "No conversation with that sender id.")
        else:
            done = delete_older_than(engine, args.days, dry_run=args.dry_run)
            reports = delete_old_reports(args.days, dry_run=args.dry_run)
            print(f"{verb} {done.conversations} conversations ({done.events} events) whose last "
                  f"message is over {args.days:g} days old from the {describe(url)}, and "
                  f"{reports} reports.")
        engine.dispose()
    except StoreError as error:
        print(f"retention: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
