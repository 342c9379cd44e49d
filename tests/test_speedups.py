"""net_assistant.rasa_adapters.speedups: Rasa's per-message work done once, with the same
results."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any, Dict

import pytest
from jsonschema import ValidationError
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from sqlalchemy.pool import NullPool, QueuePool

from net_assistant.rasa_adapters import speedups
from net_assistant.settings import SettingError, Settings, tracker_synchronous

VALID: Dict[str, Any] = {
    "events": [{"event": "slot", "name": "topic", "value": "prrt", "timestamp": None}],
    "responses": [{"text": "PRRT is …", "buttons": [{"title": "How is it given?",
                                                      "payload": "/ask_prrt"}]},
                  {"custom": {"kind": "answer", "topic": "prrt"}}],
}


def test_a_valid_action_response_passes_as_with_rasa() -> None:
    assert speedups.validate_action_result(None, VALID) is True  # type: ignore[arg-type]


def test_an_invalid_action_response_raises_rasas_error_with_its_words() -> None:
    with pytest.raises(ValidationError) as raised:
        speedups.validate_action_result(None, {"events": "not a list"})  # type: ignore[arg-type]
    assert "Failed to validate Action server response from API" in raised.value.message
    assert raised.value.validator == "type"


def test_every_event_type_resolves_to_the_class_rasas_loop_finds() -> None:
    rasas = speedups._rasa_resolve_by_type
    for cls in all_subclasses(Event):
        assert speedups.resolve_by_type(cls.type_name) is rasas(cls.type_name)
    assert speedups.resolve_by_type("topic") is None
    assert speedups.resolve_by_type("no such event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        speedups.resolve_by_type("no such event")


def test_sqlite_files_get_a_pool_that_keeps_connections_and_others_rasas_arguments() -> None:
    assert speedups.engine_kwargs("sqlite:////tmp/tracker.db") == {"poolclass": QueuePool}
    assert speedups.engine_kwargs("sqlite://") == {}
    assert "pool_size" in speedups.engine_kwargs("postgresql://u:p@localhost/rasa")


def test_a_missing_folder_of_the_sqlite_file_is_made_so_rasa_keeps_it(tmp_path: Path) -> None:
    """(tests/test_servers.py runs plain `rasa run` in a folder without var/.)"""
    database = tmp_path / "var" / "tracker.db"  # a fresh checkout has no var/
    speedups.engine_kwargs(f"sqlite:///{database}")
    assert database.parent.is_dir()  # else Rasa falls back to an in-memory store


def test_new_sqlite_connections_use_the_write_ahead_log(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NET_TRACKER_SYNCHRONOUS", "FULL")
    connection = sqlite3.connect(tmp_path / "t.db")
    speedups._sqlite_settings(connection, None)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


def test_the_synchronous_setting_is_normal_or_full_and_nothing_else() -> None:
    assert tracker_synchronous({}) == "NORMAL"
    assert tracker_synchronous({"NET_TRACKER_SYNCHRONOUS": "full"}) == "FULL"
    with pytest.raises(SettingError, match="NET_TRACKER_SYNCHRONOUS"):
        Settings.from_environment({"NET_TRACKER_SYNCHRONOUS": "OFF"})


def test_a_conversation_loads_the_same_from_the_json_column_alone(tmp_path: Path) -> None:
    domain = Domain.from_yaml("version: '3.1'\nintents: [greet]\nslots:\n  topic:\n"
                              "    type: text\n    mappings: [{type: custom}]\n")
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    assert isinstance(store.engine.pool, NullPool)  # Rasa's own engine: the test compares Rasa's
    old = [ActionExecuted("action_session_start", timestamp=1), SessionStarted(timestamp=2),
           UserUttered("hi", {"name": "greet"}, timestamp=3), SlotSet("topic", "surgery", 4)]
    new = [SessionStarted(timestamp=10), UserUttered("what is prrt", {"name": "greet"},
                                                     timestamp=11), SlotSet("topic", "prrt", 12)]
    asyncio.run(store.save(DialogueStateTracker.from_events("anna", old + new, domain.slots)))
    for everything in (False, True):
        ours = asyncio.run(speedups.sql_retrieve(store, "anna", everything))
        rasas = asyncio.run(SQLTrackerStore._retrieve(store, "anna", everything))
        assert ours is not None and rasas is not None
        assert list(ours.events) == list(rasas.events)
        assert ours.current_state() == rasas.current_state()
    assert asyncio.run(speedups.sql_retrieve(store, "nobody", False)) is None


def test_every_content_file_reads_the_same_with_libyaml_as_with_pure_python() -> None:
    import yaml

    from net_assistant.content.loading import CONTENT_DIR, load_yaml

    for path in sorted(CONTENT_DIR.glob("*.yml")):
        assert load_yaml(path.name) == yaml.safe_load(path.read_text(encoding="utf-8")), path
