"""Read and prune the conversations the Rasa server keeps, without Rasa.

The server stores every event of every conversation in one SQL table (Rasa's SQLTrackerStore:
``events`` with sender_id, type_name, timestamp, intent_name, action_name and the event as
JSON in ``data``). The report and the retention command reach the same database the server
uses, configured once in ``endpoints.yml`` (``tracker_store``, with ``${VAR}`` environment
variables): SQLite by default (the file ``TRACKER_DB`` names, as for ``make run``),
PostgreSQL the same way as for Rasa (``NET_ENDPOINTS=endpoints.production.yml``).

Reading streams rows a few hundred conversations at a time, each batch its own short query,
so a report over a large store needs little memory and never holds SQLite's lock for long
while the server writes.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import URL, Engine

from net_assistant.content.loading import PROJECT_DIR

ENDPOINTS_FILE = PROJECT_DIR / os.environ.get("NET_ENDPOINTS", "endpoints.yml")
SQLITE_BUSY_TIMEOUT_SECONDS = 30
SENDERS_PER_BATCH = 200
ENV_VAR = re.compile(r"\$\{(\w+)\}")


class StoreError(RuntimeError):
    """The tracker store is not configured as an SQL store, or cannot be opened."""


@dataclass(frozen=True)
class StoredEvent:
    """One row of Rasa's ``events`` table; ``data`` is the event's JSON, parsed only if needed."""

    sender_id: str
    type_name: str
    timestamp: float
    intent_name: Optional[str]
    action_name: Optional[str]
    data: str


def store_config(endpoints: Path = ENDPOINTS_FILE,
                 environ: Mapping[str, str] = os.environ) -> Dict[str, Any]:
    """The ``tracker_store`` section of ``endpoints``, with its ``${VAR}``s filled in."""
    try:
        section = (yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}).get("tracker_store")
    except OSError as error:
        raise StoreError(f"cannot read {endpoints}: {error}") from error
    if not isinstance(section, dict) or str(section.get("type", "")).lower() != "sql":
        raise StoreError(f"{endpoints}: tracker_store must be of type SQL (SQLite or PostgreSQL)")
    config = {key: _fill(value, environ, endpoints) for key, value in section.items()}
    if str(config.get("dialect", "sqlite")).startswith("sqlite") and environ.get("TRACKER_DB"):
        config["db"] = environ["TRACKER_DB"]  # as net_assistant.servers runs the server
    return config


def _fill(value: Any, environ: Mapping[str, str], where: Path) -> Any:
    if not isinstance(value, str):
        return value

    def variable(match: re.Match) -> str:
        name = match[1]
        if name in environ:
            return environ[name]
        raise StoreError(f"{where}: the environment variable {name} is not set")

    return ENV_VAR.sub(variable, value)


def store_url(config: Mapping[str, Any], root: Path = PROJECT_DIR) -> URL:
    """The SQLAlchemy URL of the store, as Rasa builds it (``url`` is the host, or a full URL).
    A relative SQLite path is relative to the project, where the server runs."""
    dialect = str(config.get("dialect") or "sqlite")
    host = config.get("url") or config.get("host")
    if host and "://" in str(host):
        return sa.engine.make_url(str(host))
    if dialect.startswith("sqlite"):
        return URL.create(dialect, database=str(root / str(config.get("db") or "rasa.db")))
    port = config.get("port")
    return URL.create(
        dialect, username=config.get("username"), password=config.get("password"),
        host=str(host) if host else None, port=int(port) if port else None,
        database=config.get("db"), query=config.get("query") or {},
    )


def configured_url(endpoints: Path = ENDPOINTS_FILE,
                   environ: Mapping[str, str] = os.environ) -> URL:
    return store_url(store_config(endpoints, environ))


def describe(url: URL) -> str:
    """Where the store is, for people (never the password)."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return url.render_as_string(hide_password=True)


def open_store(url: URL, read_only: bool = False) -> Engine:
    """An engine on the store. SQLite: the file must exist (an empty one would be created
    otherwise), waits for the server's writes instead of failing, and with ``read_only`` the
    file is opened read-only."""
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, future=True)
    path = Path(url.database or "")
    if not path.is_file():
        raise StoreError(f"no conversations yet: {path} does not exist")
    if read_only:
        url = URL.create(url.drivername, database=f"file:{quote(str(path))}",
                         query={"mode": "ro", "uri": "true"})
    return sa.create_engine(url, future=True,
                            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})


def count_senders(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT COUNT(DISTINCT sender_id) FROM events")).scalar_one()


def stream_events(engine: Engine, types: Sequence[str],
                  senders_per_batch: int = SENDERS_PER_BATCH) -> Iterator[StoredEvent]:
    """Every event of the given types, by sender then in the order stored, a batch of senders
    per query (all of one sender's events come from the same query)."""
    after = ""
    while True:
        senders = _next_senders(engine, after, senders_per_batch)
        if not senders:
            return
        yield from _events_between(engine, senders[0], senders[-1], types)
        after = senders[-1]


def last_event_times(engine: Engine,
                     senders_per_batch: int = SENDERS_PER_BATCH) -> Iterator[Tuple[str, float]]:
    """(sender id, timestamp of its last event) for every sender, a short query per batch."""
    query = sa.text("SELECT sender_id, MAX(timestamp) FROM events WHERE sender_id >= :first "
                    "AND sender_id <= :last GROUP BY sender_id ORDER BY sender_id")
    after = ""
    while True:
        senders = _next_senders(engine, after, senders_per_batch)
        if not senders:
            return
        with engine.connect() as connection:
            rows = connection.execute(query, {"first": senders[0], "last": senders[-1]}).all()
        yield from ((sender, timestamp or 0.0) for sender, timestamp in rows)
        after = senders[-1]


def _next_senders(engine: Engine, after: str, limit: int) -> List[str]:
    query = sa.text("SELECT DISTINCT sender_id FROM events WHERE sender_id > :after "
                    "ORDER BY sender_id LIMIT :limit")
    with engine.connect() as connection:
        return list(connection.execute(query, {"after": after, "limit": limit}).scalars())


def _events_between(engine: Engine, first: str, last: str,
                    types: Sequence[str]) -> Iterator[StoredEvent]:
    query = sa.text(
        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
        "WHERE sender_id >= :first AND sender_id <= :last AND type_name IN :types "
        "ORDER BY sender_id, id"
    ).bindparams(sa.bindparam("types", expanding=True))
    with engine.connect() as connection:
        rows = connection.execution_options(stream_results=True).execute(
            query, {"first": first, "last": last, "types": list(types)})
        for row in rows:
            yield StoredEvent(*row)
