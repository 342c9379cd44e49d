"""Work Rasa 3.6 repeats for every message, done once instead; what it does stays the same.

Found by profiling the Rasa server under load (docs/benchmarks.md, "Profile"):

- ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which checks the
  response *schema* against JSON Schema's meta-schema and builds a new validator before it
  checks the action server's response: 24 ms of a turn's CPU on the 2-core machine, about a
  third of the server's time. Here the validator is built once per schema; the response is
  checked against the same schema and a bad one raises the same ``ValidationError`` (the
  best match, with Rasa's words appended).
- ``EndpointConfig.request`` opens a new ``aiohttp.ClientSession``, and so a new TCP
  connection, for every call to the action server. Here each endpoint keeps one session per
  event loop; aiohttp closes a connection idle for 15 s, well before the action server's
  keep-alive (ACTION_KEEP_ALIVE_SECONDS, 120 s), so a kept connection is never one the server
  has already closed.
- The SQLite tracker store opens a new database connection for every load and save (SQLAlchemy
  1.4's NullPool for SQLite files) and each save's commit waits for the disk (fsync, about
  6 ms here) while the server's one event loop, and so every other conversation, waits too.
  Here connections are pooled and kept, and the database uses write-ahead logging with
  ``synchronous=NORMAL`` (NET_TRACKER_SYNCHRONOUS): a commit no longer waits for the disk.
  A crash of the server loses nothing; a power cut or kernel crash may lose the turns of the
  last moments, never the database. ``NET_TRACKER_SYNCHRONOUS=FULL`` keeps waiting for the
  disk. Write-ahead logging also lets the report read while the server writes.

- Loading a conversation from the tracker store turns every stored event back into an object,
  and for each one ``Event.resolve_by_type`` walks the whole tree of ``Event`` subclasses to
  find the class of its type name: at turn 150 of one conversation, 16 % of the server's busy
  time. Here the classes are looked up by type name in a table made from the same walk, in
  the same order (the first class with the name wins, as in Rasa's loop), and made again when
  a name is missing from it (a subclass defined later).
- The SQL tracker store loads a conversation as ORM objects, one per stored event, only to read
  each one's JSON: the ORM's bookkeeping was most of the store's time. Here the same query
  (same filter, same order) reads the JSON column alone.

- Every message loads its conversation again: every event of the session read, parsed and
  replayed into a new tracker, so a turn costs more the longer the conversation (at turn 150,
  a third of the server's busy time). Here the store keeps the trackers it saved last
  (NET_TRACKER_CACHE conversations, least recently used out) and hands one back while the
  database holds just what was saved: the same number of events in its session, the same last
  id and time (one query). A conversation changed or deleted by anything else — another
  worker, ``make retention`` — is read from the database again, and so is one whose turn
  failed before its save. Saving a kept tracker adds its events after the ones it was checked
  against, without Rasa's count of them.

- RulePolicy matches its rules against the states of the whole conversation, which Rasa makes
  by replaying every event into a fresh tracker, several times a turn. Here the states of the
  earlier turns are kept on the tracker (and so, with the kept trackers, from turn to turn) and
  only the new events are replayed, while the applied events begin with the very events
  replayed before; the last state is made anew every time, since callers change it.
- Which events apply (not taken back, not before a restart) Rasa works out by walking the
  whole session, several times a turn (``DialogueStateTracker.applied_events``). Here the
  walk's result is kept on the tracker and only the events added since are walked; a tracker
  whose events changed otherwise, or whose new events start a form not met before, is walked
  from its first event. Callers get a list of their own, as from Rasa.

- Loading DIET runs one training step on an example before it reads the weights, to make
  them: half of the model's load time and 165 MB of the server's memory (the optimizer's state
  and the traced training graph). Here the weights are read first and restored as the first
  prediction makes them; the predictions are the same.

- Every call to the action server carries the whole conversation, every event as JSON, which
  the action server parses again: at turn 100, 195 kB and 3 ms to write on this side alone,
  for each call. Our actions read the slots, the latest message and, in their last turns, the
  answer a rating is about and a country named in the support conversation
  (actions/feedback.py, actions/support.py). Here the call carries the events of the last
  ACTION_HISTORY_TURNS turns (and everything else Rasa sends); the only thing that changes is
  that a rating or a country more than that many turns back is not found.

``install()`` is called when our channels are loaded (net_assistant.rasa_adapters.channels), i.e. in
every Rasa server that serves the assistant; it is idempotent. ``NET_SPEEDUPS=0`` leaves Rasa as it
is: only for measuring what these change (``make bench`` measures ours both ways).
"""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import sqlite3
import ssl
from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Set, Text, Tuple

import aiohttp
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
import rasa
import rasa.core.tracker_store as tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, Event,
                                     Restarted, SessionStarted, UserUttered,
                                     UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.utils.common import all_subclasses
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.exceptions import FileNotFoundException
from rasa.utils.tensorflow.models import RasaModel
from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url
from sqlalchemy import event, func
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import QueuePool

from net_assistant.settings import DEFAULT_TRACKER_CACHE, tracker_cache_size, tracker_synchronous

SWITCH_VARIABLE = "NET_SPEEDUPS"
_validators: Dict[int, Tuple[Dict[str, Any], Any]] = {}
_installed = False
_cache_size = DEFAULT_TRACKER_CACHE


def _validator(schema: Dict[str, Any]) -> Any:
    """The validator of ``schema``, built (and the schema checked) once."""
    cached = _validators.get(id(schema))
    if cached is None or cached[0] != schema:
        cls = validator_for(schema)
        cls.check_schema(schema)
        cached = (schema, cls(schema))
        _validators[id(schema)] = cached
    return cached[1]


_RESPONSE_SCHEMA = RemoteAction.action_response_format_spec()


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Rasa's ``_validate_action_result`` with the validator built once."""
    error = best_match(_validator(_RESPONSE_SCHEMA).iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


ACTION_HISTORY_TURNS = 10


def recent_events(tracker: DialogueStateTracker, turns: int = ACTION_HISTORY_TURNS) -> List[Event]:
    """The events since the ``turns``-th latest user message (all of a shorter conversation)."""
    kept: List[Event] = []
    for recent in reversed(tracker.events):
        kept.append(recent)
        if isinstance(recent, UserUttered):
            turns -= 1
            if turns == 0:
                break
    kept.reverse()
    return kept


_rasa_action_call_format = RemoteAction._action_call_format


def action_call_format(self: RemoteAction, tracker: DialogueStateTracker,
                       domain: Domain) -> Dict[Text, Any]:
    """Rasa's ``_action_call_format`` with the events of the latest turns only."""
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [recent.as_dict() for recent in recent_events(tracker)]
    call = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state,
            "version": rasa.__version__}
    if (not self._is_selective_domain_enabled()
            or domain.does_custom_action_explicitly_need_domain(self.name())):
        call["domain"] = domain.as_dict()
    return call


def _kept_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """The endpoint's session for the running event loop, made on first use."""
    loop = asyncio.get_running_loop()
    sessions = endpoint.__dict__.setdefault("_net_sessions", {})
    session = sessions.get(loop)
    if session is None or session.closed:
        session = endpoint.session()
        sessions[loop] = session
    return session


async def request(self: EndpointConfig, method: Text = "post", subpath: Optional[Text] = None,
                  content_type: Optional[Text] = "application/json", compress: bool = False,
                  **kwargs: Any) -> Optional[Any]:
    """Rasa's ``EndpointConfig.request`` on a kept session (same headers, parameters,
    errors and result)."""
    headers = {"Content-Type": content_type} if content_type else {}
    headers.update(kwargs.pop("headers", {}))
    headers.update(self.headers)
    sslcontext = None
    if self.cafile:
        try:
            sslcontext = ssl.create_default_context(cafile=self.cafile)
        except FileNotFoundError as e:
            raise FileNotFoundException(
                f"Failed to find certificate file, "
                f"'{os.path.abspath(self.cafile)}' does not exist.") from e
    async with _kept_session(self).request(
        method, concat_url(self.url, subpath), headers=headers,
        params=self.combine_parameters(kwargs), compress=compress, ssl=sslcontext, **kwargs,
    ) as response:
        if response.status >= 400:
            raise ClientResponseError(response.status, response.reason,
                                      await response.content.read())
        try:
            return await response.json()
        except aiohttp.ContentTypeError:
            return None


_event_classes: Dict[Text, type] = {}
_rasa_resolve_by_type = Event.resolve_by_type


def _event_class(type_name: Text) -> Optional[type]:
    """The first subclass of Event with ``type_name``, in the order Rasa's loop visits them."""
    found = _event_classes.get(type_name)
    if found is None:
        _event_classes.clear()
        for cls in all_subclasses(Event):
            _event_classes.setdefault(cls.type_name, cls)
        found = _event_classes.get(type_name)
    return found


def resolve_by_type(type_name: Text, default: Optional[type] = None) -> Optional[type]:
    """Rasa's ``Event.resolve_by_type`` from a table; a name no class has goes to Rasa's own
    (old "topic" events, the default, the ValueError)."""
    return _event_class(type_name) or _rasa_resolve_by_type(type_name, default)


Stamp = Tuple[int, Optional[int], Optional[float]]


class _Kept(NamedTuple):
    """A conversation as last saved, and what the database held of its session then."""

    tracker: Any  # DialogueStateTracker
    stamp: Stamp
    domain: Any


def _kept_trackers(store: tracker_store.SQLTrackerStore) -> "OrderedDict[Text, _Kept]":
    return store.__dict__.setdefault("_net_kept", OrderedDict())


def _stamp(store: tracker_store.SQLTrackerStore, session: Any, sender_id: Text) -> Stamp:
    """How many events the latest session has in the database, the last one's id and time."""
    table = store.SQLEvent
    count, last_id, last_time = store._event_query(session, sender_id, False).order_by(
        None).with_entities(func.count(table.id), func.max(table.id),
                            func.max(table.timestamp)).one()
    return count, last_id, last_time


def _still_current(kept: _Kept, stamp: Stamp, domain: Any) -> bool:
    """The kept tracker is the stored session: the same rows, no event added since it was
    saved (a turn that failed before its save), the same domain."""
    return (kept.stamp == stamp and kept.domain is domain
            and len(kept.tracker.events) == stamp[0])


async def sql_retrieve(self: tracker_store.SQLTrackerStore, sender_id: Text,
                       fetch_events_from_all_sessions: bool) -> Optional[Any]:
    """Rasa's ``SQLTrackerStore._retrieve``, reading only the events' JSON; the latest
    session comes from the kept trackers while the database still holds just what was saved."""
    from rasa.shared.core.trackers import DialogueStateTracker

    with self.session_scope() as session:
        kept_trackers = _kept_trackers(self)
        kept = None if fetch_events_from_all_sessions else kept_trackers.get(sender_id)
        if kept is not None and _still_current(kept, _stamp(self, session, sender_id),
                                               self.domain):
            kept_trackers.move_to_end(sender_id)
            return kept.tracker
        rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=(
            fetch_events_from_all_sessions)).with_entities(self.SQLEvent.data).all()
        events = [json.loads(row.data) for row in rows]
        if self.domain and len(events) > 0:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None


_rasa_additional_events = tracker_store.SQLTrackerStore._additional_events


def sql_additional_events(self: tracker_store.SQLTrackerStore, session: Any,
                          tracker: Any) -> Iterator[Event]:
    """Rasa's ``SQLTrackerStore._additional_events`` (the events a save adds) without counting
    the stored ones again for a kept tracker: the database holds the events it held when the
    tracker was last checked, since the conversation's lock keeps other writers out of a turn."""
    kept = _kept_trackers(self).get(tracker.sender_id)
    if kept is None or kept.tracker is not tracker:
        return _rasa_additional_events(self, session, tracker)
    return itertools.islice(tracker.events, kept.stamp[0], None)


_rasa_sql_save = tracker_store.SQLTrackerStore.save


async def sql_save(self: tracker_store.SQLTrackerStore, tracker: Any) -> None:
    """Rasa's ``SQLTrackerStore.save``; then the tracker is kept, if it holds exactly the
    stored session (one loaded before a new session started holds more)."""
    await _rasa_sql_save(self, tracker)
    kept = _kept_trackers(self)
    kept.pop(tracker.sender_id, None)
    with self.session_scope() as session:
        stamp = _stamp(self, session, tracker.sender_id)
    if len(tracker.events) == stamp[0]:
        kept[tracker.sender_id] = _Kept(tracker, stamp, self.domain)
        while len(kept) > _cache_size:
            kept.popitem(last=False)


class _StatesSoFar:
    """The states of a tracker's history up to its last applied event, and the replayed
    tracker they came from, kept on the tracker so that its next turn continues from them."""

    def __init__(self, domain: Domain, omit_unset_slots: bool, tracker: Any) -> None:
        self.domain, self.omit_unset_slots = domain, omit_unset_slots
        self.replayed = tracker.init_copy()
        self.events: List[Event] = []
        self.states: List[Dict[Text, Any]] = []  # one for the tracker before each action

    def continues(self, domain: Domain, omit_unset_slots: bool, applied: List[Event]) -> bool:
        """The applied events begin with the very events replayed so far."""
        return (domain is self.domain and omit_unset_slots == self.omit_unset_slots
                and len(applied) >= len(self.events)
                and all(old is new for old, new in zip(self.events, applied)))

    def replay(self, events: List[Event]) -> None:
        for applied in events:
            if isinstance(applied, ActionExecuted):
                self.states.append(self.domain.get_active_state(
                    self.replayed, omit_unset_slots=self.omit_unset_slots))
            self.replayed.update(applied)
            self.events.append(applied)


_rasa_states_for_tracker_history = Domain.states_for_tracker_history
_rasa_applied_events = DialogueStateTracker.applied_events


def states_for_tracker_history(self: Domain, tracker: Any, omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: Optional[Dict[Text, Any]] = None) -> List[Any]:
    """Rasa's ``Domain.states_for_tracker_history`` (the states RulePolicy matches its rules
    against), continued from the states of the tracker's earlier turns instead of replaying
    the whole conversation; the last state is always made anew (callers change it). Turns
    hidden for machine-learnt policies are Rasa's own code's work."""
    if ignore_rule_only_turns:
        return _rasa_states_for_tracker_history(self, tracker, omit_unset_slots,
                                                ignore_rule_only_turns, rule_only_data)
    applied = tracker.applied_events()
    so_far = tracker.__dict__.get("_net_states")
    if so_far is None or not so_far.continues(self, omit_unset_slots, applied):
        so_far = _StatesSoFar(self, omit_unset_slots, tracker)
        tracker.__dict__["_net_states"] = so_far
    so_far.replay(applied[len(so_far.events):])
    return [*so_far.states, self.get_active_state(so_far.replayed,
                                                  omit_unset_slots=omit_unset_slots)]


class _AppliedSoFar:
    """The applied events of a tracker's first ``count`` events, kept on the tracker so that
    its next call folds in only the events added since."""

    def __init__(self, events: Any) -> None:
        self.count = 0
        self.last: Optional[Event] = None
        self.loop_names: Set[Text] = {loop.name for loop in events
                                      if isinstance(loop, ActiveLoop) and loop.name}
        self.events: List[Event] = []

    def continues(self, events: Any) -> bool:
        """The tracker's events begin with the very events folded so far, and those added
        since name no form the fold has not met (Rasa's fold knows every form of the whole
        conversation from its first event on)."""
        if len(events) < self.count or (self.count and events[self.count - 1] is not self.last):
            return False
        return all(not isinstance(added, ActiveLoop) or not added.name
                   or added.name in self.loop_names
                   for added in itertools.islice(events, self.count, None))

    def fold(self, tracker: DialogueStateTracker, events: List[Event]) -> None:
        """Rasa's fold of ``applied_events``, continued with ``events``."""
        applied = self.events
        for added in events:
            if isinstance(added, (Restarted, SessionStarted)):
                applied.clear()
            elif isinstance(added, ActionReverted):
                tracker._undo_till_previous(ActionExecuted, applied)
            elif isinstance(added, UserUtteranceReverted):
                tracker._undo_till_previous(UserUttered, applied)
                tracker._undo_till_previous(ActionExecuted, applied)
            elif (isinstance(added, ActionExecuted) and added.action_name in self.loop_names
                  and not tracker._first_loop_execution_or_unhappy_path(added.action_name,
                                                                         applied)):
                tracker._undo_till_previous_loop_execution(added.action_name, applied)
            else:
                applied.append(added)
        self.count += len(events)
        self.last = events[-1] if events else self.last


def applied_events(self: DialogueStateTracker) -> List[Event]:
    """Rasa's ``DialogueStateTracker.applied_events``, folding in only the events added since
    the last call; a tracker whose events changed otherwise is folded from its first event."""
    so_far = self.__dict__.get("_net_applied")
    if so_far is None or not so_far.continues(self.events):
        so_far = _AppliedSoFar(self.events)
        self.__dict__["_net_applied"] = so_far
    so_far.fold(self, list(itertools.islice(self.events, so_far.count, None)))
    return list(so_far.events)


_rasa_model_load = RasaModel.load.__func__


def load_for_prediction(cls: type, model_file_name: Text, model_data_example: Any,
                        predict_data_example: Optional[Any] = None, finetune_mode: bool = False,
                        *args: Any, **kwargs: Any) -> Any:
    """Rasa's ``RasaModel.load`` (DIET's, when the server loads the model) without its one
    training step: the weights are restored as the first prediction makes them, as TensorFlow
    restores a checkpoint into variables made after it was read. The step only made the
    optimizer's state and traced the training graph, which a server never uses; a model
    loaded for fine-tuning, or without an example to predict on, goes through Rasa's own."""
    if finetune_mode or predict_data_example is None:
        return _rasa_model_load(cls, model_file_name, model_data_example, predict_data_example,
                                finetune_mode, *args, **kwargs)
    model = cls(*args, **kwargs)
    restored = model.load_weights(model_file_name)
    model.run_inference(predict_data_example)
    restored.expect_partial()  # the optimizer's state, saved with the weights, stays unread
    return model


_rasa_engine_kwargs = tracker_store.create_engine_kwargs


def engine_kwargs(url: Any) -> Dict[Text, Any]:
    """Rasa's ``create_engine`` arguments; for an SQLite file, a pool that keeps connections,
    and the file's folder made: SQLite makes no folder, and Rasa then kept the conversations of
    a fresh checkout's plain ``rasa run`` (no ``var/`` yet) in memory only, with an error."""
    parsed: URL = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return {**_rasa_engine_kwargs(url), "poolclass": QueuePool}
    return _rasa_engine_kwargs(url)


def _sqlite_settings(dbapi_connection: Any, _record: Any) -> None:
    """Every new SQLite connection: write-ahead log, and the chosen synchronous level."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={tracker_synchronous(os.environ)}")
        cursor.close()


def install() -> None:
    """Replace the methods and set the SQLite connection settings (once per process)."""
    global _installed, _cache_size
    if _installed or os.environ.get(SWITCH_VARIABLE) == "0":
        return
    tracker_synchronous(os.environ)  # a bad value stops the server here, naming the variable
    _cache_size = tracker_cache_size(os.environ)
    RemoteAction._validate_action_result = validate_action_result
    RemoteAction._action_call_format = action_call_format
    EndpointConfig.request = request
    tracker_store.create_engine_kwargs = engine_kwargs
    Event.resolve_by_type = staticmethod(resolve_by_type)
    tracker_store.SQLTrackerStore._retrieve = sql_retrieve
    tracker_store.SQLTrackerStore.save = sql_save
    tracker_store.SQLTrackerStore._additional_events = sql_additional_events
    Domain.states_for_tracker_history = states_for_tracker_history
    DialogueStateTracker.applied_events = applied_events
    RasaModel.load = classmethod(load_for_prediction)
    event.listen(Engine, "connect", _sqlite_settings)
    _installed = True
