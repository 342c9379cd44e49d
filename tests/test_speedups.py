"""net_assistant.rasa_adapters.speedups: Rasa's per-message work done once, with the same
results."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any, Dict, List

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, BotUttered, Event,
                                     Restarted, SessionStarted, SlotSet, UserUttered,
                                     UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel
import sqlalchemy
from sqlalchemy.pool import NullPool, QueuePool

from net_assistant.content.loading import PROJECT_DIR
from net_assistant.rasa_adapters import speedups
from net_assistant.settings import (DEFAULT_TRACKER_CACHE, SettingError, Settings,
                                 tracker_cache_size, tracker_synchronous)

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


@pytest.fixture
def store(tmp_path: Path) -> SQLTrackerStore:
    domain = Domain.from_yaml("version: '3.1'\nintents: [greet]\nslots:\n  topic:\n"
                              "    type: text\n    mappings: [{type: custom}]\n")
    return SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def _saved(store: SQLTrackerStore, *events: Event) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events("anna", list(events), store.domain.slots)
    asyncio.run(speedups.sql_save(store, tracker))
    return tracker


def _retrieved(store: SQLTrackerStore) -> Any:
    return asyncio.run(speedups.sql_retrieve(store, "anna", False))


def _rasas(store: SQLTrackerStore) -> Any:
    return asyncio.run(SQLTrackerStore._retrieve(store, "anna", False))


# As Rasa logs them: the action's SessionStarted is made first, its ActionExecuted after it.
START = [ActionExecuted("action_session_start", timestamp=2), SessionStarted(timestamp=1)]


def test_a_saved_conversation_is_handed_back_without_reading_it_again(
        store: SQLTrackerStore) -> None:
    tracker = _saved(store, *START, UserUttered("hi", {"name": "greet"}, timestamp=3))
    assert _retrieved(store) is tracker
    tracker.update(SlotSet("topic", "prrt", 4))
    asyncio.run(speedups.sql_save(store, tracker))
    again = _retrieved(store)
    assert again is tracker and list(again.events) == list(_rasas(store).events)


def test_a_kept_conversation_is_saved_without_counting_its_stored_events(
        store: SQLTrackerStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SQLTrackerStore, "_additional_events", speedups.sql_additional_events)
    statements: List[str] = []
    sqlalchemy.event.listen(store.engine, "before_cursor_execute",
                            lambda *args: statements.append(args[2].lower()))
    tracker = _saved(store, *START)
    tracker.update(UserUttered("hi", {"name": "greet"}, timestamp=3))
    statements.clear()
    asyncio.run(speedups.sql_save(store, tracker))
    assert sum("count(" in statement for statement in statements) == 1  # the kept tracker's stamp
    assert list(_rasas(store).events) == list(tracker.events)


def test_a_turn_that_failed_before_its_save_is_not_handed_back(store: SQLTrackerStore) -> None:
    tracker = _saved(store, *START)
    tracker.update(UserUttered("hi", {"name": "greet"}, timestamp=3))  # never saved
    retrieved = _retrieved(store)
    assert retrieved is not tracker and list(retrieved.events) == START


def test_a_conversation_changed_elsewhere_is_read_again(store: SQLTrackerStore) -> None:
    """Another worker (another store on the same database) added a turn."""
    _saved(store, *START)
    other = SQLTrackerStore(store.domain, dialect="sqlite", db=store.engine.url.database)
    elsewhere = asyncio.run(SQLTrackerStore._retrieve(other, "anna", False))
    elsewhere.update(UserUttered("hi", {"name": "greet"}, timestamp=3))
    asyncio.run(SQLTrackerStore.save(other, elsewhere))
    assert list(_retrieved(store).events) == list(elsewhere.events)


def test_a_deleted_conversation_is_not_brought_back(store: SQLTrackerStore) -> None:
    _saved(store, *START, UserUttered("hi", {"name": "greet"}, timestamp=3))
    with sqlite3.connect(store.engine.url.database) as connection:
        connection.execute("DELETE FROM events WHERE sender_id = 'anna'")
    assert _retrieved(store) is None


def test_a_tracker_holding_an_earlier_session_too_is_not_kept(store: SQLTrackerStore) -> None:
    """After a new session starts, the database's latest session is shorter than the tracker."""
    tracker = _saved(store, *START, UserUttered("hi", {"name": "greet"}, timestamp=3),
                     ActionExecuted("action_session_start", timestamp=11),
                     SessionStarted(timestamp=10))
    retrieved = _retrieved(store)
    assert retrieved is not tracker and list(retrieved.events) == list(_rasas(store).events)


def test_only_the_most_recent_conversations_are_kept(store: SQLTrackerStore,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speedups, "_cache_size", 1)
    anna = _saved(store, *START)
    bob = DialogueStateTracker.from_events("bob", list(START), store.domain.slots)
    asyncio.run(speedups.sql_save(store, bob))
    assert asyncio.run(speedups.sql_retrieve(store, "bob", False)) is bob
    assert _retrieved(store) is not anna and list(_retrieved(store).events) == START


def test_the_tracker_cache_size_is_a_bounded_whole_number() -> None:
    assert tracker_cache_size({}) == DEFAULT_TRACKER_CACHE
    assert tracker_cache_size({"NET_TRACKER_CACHE": "0"}) == 0
    with pytest.raises(SettingError):
        tracker_cache_size({"NET_TRACKER_CACHE": "lots"})


def _user(text: str, intent: str) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


# A conversation as the processor logs it: questions, a topic slot, the country form, a
# message taken back (the fallback's "did you mean"), a restart.
CONVERSATION = [
    *START, ActionExecuted("action_listen"),
    _user("what is prrt", "ask_prrt"), ActionExecuted("action_answer"),
    SlotSet("topic", "prrt"), SlotSet("disclaimer_shown", True), ActionExecuted("action_listen"),
    _user("find a support group", "find_support"), ActionExecuted("country_form"),
    ActiveLoop("country_form"), SlotSet("requested_slot", "country"),
    ActionExecuted("action_listen"), _user("France", "inform"),
    ActionExecuted("country_form"), SlotSet("country", "France"), ActiveLoop(None),
    ActionExecuted("action_listen"), _user("blah", "nlu_fallback"),
    ActionExecuted("action_default_ask_affirmation"), ActionExecuted("action_listen"),
    _user("no", "deny"), UserUtteranceReverted(), ActionExecuted("action_listen"),
    _user("how is it given", "ask_followup"), ActionExecuted("action_answer"),
    ActionExecuted("action_listen"), Restarted(), ActionExecuted("action_listen"),
    _user("hi", "greet"), ActionExecuted("utter_greet"), ActionExecuted("action_listen"),
]


@pytest.mark.parametrize("omit_unset_slots", [False, True])
def test_the_states_of_a_growing_conversation_are_rasas(omit_unset_slots: bool) -> None:
    """Asked after every event, as RulePolicy asks during a turn, on the same tracker."""
    domain = Domain.load(str(PROJECT_DIR / "domain.yml"))
    tracker = DialogueStateTracker("anna", domain.slots)
    for event in CONVERSATION:
        tracker.update(event, domain)
        for _ in range(2):  # a second asking continues from the kept states
            ours = speedups.states_for_tracker_history(domain, tracker, omit_unset_slots)
            rasas = speedups._rasa_states_for_tracker_history(domain, tracker, omit_unset_slots)
            assert ours == rasas
            ours[-1].clear()  # callers change the last state; the next asking must not see it


def test_the_states_of_a_copied_tracker_are_rasas() -> None:
    domain = Domain.load(str(PROJECT_DIR / "domain.yml"))
    tracker = DialogueStateTracker.from_events("anna", CONVERSATION[:12], domain.slots)
    speedups.states_for_tracker_history(domain, tracker)
    earlier = tracker.travel_back_in_time(CONVERSATION[6].timestamp)
    assert (speedups.states_for_tracker_history(domain, earlier)
            == speedups._rasa_states_for_tracker_history(domain, earlier))


def test_states_asked_again_only_after_a_message_was_taken_back_are_rasas() -> None:
    """The applied events are then as many as before, or more, but not the same ones."""
    domain = Domain.load(str(PROJECT_DIR / "domain.yml"))
    taken_back = next(i for i, event in enumerate(CONVERSATION)
                      if isinstance(event, UserUtteranceReverted))
    tracker = DialogueStateTracker.from_events("anna", CONVERSATION[:taken_back], domain.slots)
    speedups.states_for_tracker_history(domain, tracker)
    tracker.update_with_events(CONVERSATION[taken_back:taken_back + 5], domain)
    assert (speedups.states_for_tracker_history(domain, tracker)
            == speedups._rasa_states_for_tracker_history(domain, tracker))


# Events that change what is applied: forms starting and ending, actions and messages taken
# back, restarts and new sessions, among plain turns.
_FOLDED_EVENTS = st.lists(st.one_of(
    st.sampled_from(["action_listen", "action_answer", "country_form", "feedback_form"]).map(
        ActionExecuted),
    st.sampled_from([None, "country_form", "feedback_form"]).map(ActiveLoop),
    st.sampled_from(["greet", "ask_prrt", "inform"]).map(lambda intent: _user(intent, intent)),
    st.sampled_from([UserUtteranceReverted, ActionReverted, Restarted, SessionStarted]).map(
        lambda event_class: event_class()),
    st.just(SlotSet("topic", "prrt")),
), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_FOLDED_EVENTS)
def test_the_applied_events_of_a_growing_conversation_are_rasas(events: List[Event]) -> None:
    """Asked after every event, as a turn asks, on the same tracker."""
    tracker = DialogueStateTracker("anna", [])
    for added in events:
        tracker.events.append(added)
        for _ in range(2):  # a second asking continues from the kept fold
            ours = speedups.applied_events(tracker)
            assert ours == speedups._rasa_applied_events(tracker)
            assert all(mine is theirs for mine, theirs in
                       zip(ours, speedups._rasa_applied_events(tracker)))
            ours.clear()  # callers may change the list they get; the next asking must not see it


def test_the_applied_events_of_a_copied_or_rebuilt_tracker_are_rasas() -> None:
    tracker = DialogueStateTracker.from_events("anna", CONVERSATION, [])
    speedups.applied_events(tracker)
    earlier = tracker.travel_back_in_time(CONVERSATION[12].timestamp)
    assert speedups.applied_events(earlier) == speedups._rasa_applied_events(earlier)
    other_turns = [_user("hi", "greet"), ActionExecuted("utter_greet")] * len(CONVERSATION)
    for other_events in (CONVERSATION[:20], other_turns):  # fewer; more, not the same
        tracker.events.clear()
        tracker.events.extend(other_events)
        assert speedups.applied_events(tracker) == speedups._rasa_applied_events(tracker)


MESSAGES = ["what is prrt", "My dad starts lanreotide next week, how is it given?",
            "should I stop my octreotide?", "is there a support group in France?", "hello",
            "Mein Vater hat einen NET", "can they just cut it out?", "🙂"]


def _parses(model: Path) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse_all() -> List[Dict[str, Any]]:
        return [await agent.parse_message(text) for text in MESSAGES]
    return [{"intent": parsed["intent"]["name"], "entities": parsed["entities"],
             "ranking": [(entry["name"], round(entry["confidence"], 5))
                         for entry in parsed["intent_ranking"]]}
            for parsed in asyncio.run(parse_all())]


@pytest.mark.slow
def test_the_model_loaded_without_a_training_step_predicts_as_with_rasas_load(
        trained_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rasas = _parses(trained_model)
    loaded = []

    def load(cls: type, *args: Any, **kwargs: Any) -> Any:
        loaded.append(cls.__name__)
        return speedups.load_for_prediction(cls, *args, **kwargs)
    monkeypatch.setattr(RasaModel, "load", classmethod(load))
    assert _parses(trained_model) == rasas
    assert loaded == ["DIET"]


def _action_call(tracker: DialogueStateTracker, domain: Domain) -> Dict[str, Dict[str, Any]]:
    """The request to the action server, as Rasa makes it and as we do."""
    action = RemoteAction("action_answer", EndpointConfig("http://localhost:5055/webhook"))
    return {"rasa": speedups._rasa_action_call_format(action, tracker, domain),
            "ours": speedups.action_call_format(action, tracker, domain)}


def _long_conversation(turns: int, domain: Domain) -> DialogueStateTracker:
    events: List[Event] = [*START, ActionExecuted("action_listen")]
    for turn in range(turns):
        events += [_user(f"question {turn}", "ask_prrt"), ActionExecuted("action_answer"),
                   SlotSet("topic", "prrt"), BotUttered(f"answer {turn}"),
                   ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("anna", events, domain.slots)


def test_a_short_conversation_goes_to_the_action_server_as_rasa_sends_it() -> None:
    domain = Domain.load(str(PROJECT_DIR / "domain.yml"))
    call = _action_call(_long_conversation(speedups.ACTION_HISTORY_TURNS - 1, domain), domain)
    assert call["ours"] == call["rasa"]


def test_a_long_conversation_goes_with_the_events_of_its_latest_turns() -> None:
    domain = Domain.load(str(PROJECT_DIR / "domain.yml"))
    call = _action_call(_long_conversation(40, domain), domain)
    ours, rasas = call["ours"]["tracker"], call["rasa"]["tracker"]
    turns = speedups.ACTION_HISTORY_TURNS
    assert [e.get("text") for e in ours["events"] if e["event"] == "user"] == [
        f"question {turn}" for turn in range(40 - turns, 40)]
    assert ours["events"] == rasas["events"][-len(ours["events"]):]
    assert {**ours, "events": None} == {**rasas, "events": None}
    assert {**call["ours"], "tracker": None} == {**call["rasa"], "tracker": None}
