"""The editors' report without servers: store access, counting, grouping, rendering.

These tests read synthetic stores in Rasa's schema (net_assistant/report/synthetic.py) and
compare the report's figures with what plain SQL over the same rows says. The report built
from real conversations with the real servers is in tests/test_report_conversations.py.
"""
from __future__ import annotations

import json
import random
import re
import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import sqlalchemy as sa

from net_assistant.content.loading import PROJECT_DIR, ContentError
from net_assistant.conversation_store import (
    StoreError, count_senders, last_event_times, open_store, store_config, store_url,
    stream_events,
)
from net_assistant.report import report_path
from net_assistant.report.__main__ import main as report_main
from net_assistant.report.build import read_figures, write_report
from net_assistant.report.figures import FigureCounter
from net_assistant.report.render import load_words
from net_assistant.report.synthetic import EVENTS, create_store, fill_store, _EventWriter
from net_assistant.report.todo import TodoList, merge_near_duplicates, normalise, Tally
from net_assistant.report.turns import EVENT_TYPES, FEEDBACK_INTENTS, turns

CONVERSATIONS = 300
DAYS = 5
END_DAY = 20_000  # 2024-10-04


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "tracker.db"
    engine = create_store(f"sqlite:///{path}")
    fill_store(engine, CONVERSATIONS, days=DAYS, end_day=END_DAY)
    engine.dispose()
    return path


def sqlite_url(path: Path) -> sa.engine.URL:
    return sa.engine.make_url(f"sqlite:///{path}")


# --- the store -------------------------------------------------------------------------------

def test_the_synthetic_store_has_rasas_schema_column_for_column():
    from rasa.core.tracker_store import SQLTrackerStore

    def shape(table: sa.Table) -> List[Tuple]:
        return [(c.name, str(c.type), c.nullable, c.primary_key, bool(c.index))
                for c in table.columns]

    assert shape(EVENTS) == shape(SQLTrackerStore.SQLEvent.__table__)


def test_the_default_store_is_the_servers_sqlite_file(tmp_path: Path):
    config = store_config(environ={})
    assert store_url(config).database == str(PROJECT_DIR / "var" / "tracker.db")
    config = store_config(environ={"TRACKER_DB": str(tmp_path / "t.db")})
    assert store_url(config).database == str(tmp_path / "t.db")


def test_a_postgresql_store_is_configured_as_for_rasa(tmp_path: Path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: ${DB_HOST}\n"
        "  port: ${DB_PORT}\n  db: ${DB_NAME}\n  username: ${DB_USER}\n"
        "  password: ${DB_PASSWORD}\n")
    environ = {"DB_HOST": "db.example.org", "DB_PORT": "5433", "DB_NAME": "rasa",
               "DB_USER": "rasa", "DB_PASSWORD": "s3cret"}
    url = store_url(store_config(endpoints, environ))
    assert url.render_as_string(hide_password=False) == \
        "postgresql://rasa:s3cret@db.example.org:5433/rasa"
    with pytest.raises(StoreError, match="DB_PASSWORD is not set"):
        store_config(endpoints, {k: v for k, v in environ.items() if k != "DB_PASSWORD"})


def test_only_an_sql_store_can_be_read(tmp_path: Path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: redis\n  url: localhost\n")
    with pytest.raises(StoreError, match="must be of type SQL"):
        store_config(endpoints, {})


def test_a_missing_sqlite_file_is_an_error_and_is_not_created(tmp_path: Path):
    missing = tmp_path / "none.db"
    with pytest.raises(StoreError, match="does not exist"):
        open_store(sqlite_url(missing), read_only=True)
    assert not missing.exists()
    assert report_main(["--db-url", f"sqlite:///{missing}", "--quiet"]) == 1


def test_the_report_opens_the_store_read_only(store: Path):
    engine = open_store(sqlite_url(store), read_only=True)
    with engine.connect() as connection, pytest.raises(sa.exc.OperationalError, match="readonly"):
        connection.execute(sa.text("DELETE FROM events"))
    engine.dispose()


def test_events_stream_in_batches_grouped_by_sender_in_stored_order(store: Path):
    engine = open_store(sqlite_url(store), read_only=True)
    streamed = [(e.sender_id, e.type_name, e.timestamp)
                for e in stream_events(engine, EVENT_TYPES, senders_per_batch=7)]
    engine.dispose()
    with sqlite3.connect(store) as db:
        expected = db.execute(
            "SELECT sender_id, type_name, timestamp FROM events WHERE type_name IN "
            "('user', 'bot', 'session_started') ORDER BY sender_id, id").fetchall()
    assert streamed == expected


def test_last_event_times_are_read_in_batches(store: Path):
    engine = open_store(sqlite_url(store), read_only=True)
    batched = list(last_event_times(engine, senders_per_batch=7))
    engine.dispose()
    with sqlite3.connect(store) as db:
        expected = db.execute("SELECT sender_id, MAX(timestamp) FROM events GROUP BY sender_id "
                              "ORDER BY sender_id").fetchall()
    assert batched == expected and len(batched) == CONVERSATIONS


# --- the figures -------------------------------------------------------------------------------

def test_the_figures_agree_with_plain_sql_over_the_same_rows(store: Path):
    figures = read_figures(sqlite_url(store), quiet=True)
    with sqlite3.connect(store) as db:
        senders = db.execute("SELECT COUNT(DISTINCT sender_id) FROM events").fetchone()[0]
        messages = db.execute(
            "SELECT date(timestamp, 'unixepoch'), COUNT(*) FROM events WHERE type_name = 'user' "
            f"AND intent_name NOT IN {tuple(FEEDBACK_INTENTS)} GROUP BY 1").fetchall()
        # one session per synthetic sender; a conversation needs a message (not only feedback)
        with_messages = db.execute(
            "SELECT COUNT(DISTINCT sender_id) FROM events WHERE type_name = 'user' "
            f"AND intent_name NOT IN {tuple(FEEDBACK_INTENTS)}").fetchone()[0]
        answers = Counter(
            json.loads(custom)["topic"] for (custom,) in db.execute(
                "SELECT json_extract(data, '$.data.custom') FROM events WHERE type_name = 'bot' "
                "AND json_extract(data, '$.data.custom.kind') = 'answer'"))
    assert figures.senders == senders == CONVERSATIONS
    assert figures.conversations == with_messages > CONVERSATIONS - 10
    assert {_iso(day): n for day, n in figures.messages_per_day.items()} == dict(messages)
    assert len(figures.messages_per_day) == DAYS
    per_topic = Counter()
    for (topic, _), count in figures.questions.items():
        per_topic[topic] += count
    assert per_topic == answers


def _iso(day: int) -> str:
    return date.fromordinal(date(1970, 1, 1).toordinal() + day).isoformat()


def _conversation(*turn_specs: Tuple[str, str, Dict]) -> List:
    """One sender's turns: (text, intent, final reply metadata) each, written as Rasa would."""
    writer = _EventWriter("someone", [1_700_000_000.0])
    rows = [writer.plain("session_started")]
    for text, intent, custom in turn_specs:
        rows.append(writer.user(text, intent, [{"name": intent, "confidence": 0.9}]))
        if custom:
            rows.append(writer.bot(custom))
    return list(turns(rows))


ANSWER = {"kind": "answer", "topic": "prrt", "aspect": "what_is", "sources": ["s"],
          "passages": ["prrt-what-is", "prrt-also-called"], "not_covered": None}


def test_feedback_counts_for_the_answer_before_it_and_not_helpful_goes_on_the_to_do_list():
    counter = FigureCounter()
    counter.add_conversation(_conversation(
        ("/feedback_helpful", "feedback_helpful", {"kind": "smalltalk"}),  # no answer yet
        ("what is PRRT?", "ask_prrt", ANSWER),
        ("/feedback_not_helpful", "feedback_not_helpful", {"kind": "smalltalk"}),
        ("hello", "greet", {"kind": "smalltalk"}),
        ("/feedback_helpful", "feedback_helpful", None),
    ))
    figures = counter.figures
    assert figures.messages == 2  # feedback clicks are not messages
    assert figures.feedback_by_topic == Counter({("prrt", "not_helpful"): 1, ("prrt", "helpful"): 1})
    assert figures.feedback_by_passage[("prrt-also-called", "not_helpful")] == 1
    [group] = figures.todo.groups()
    assert (group.example, group.reasons, group.topic) == (
        "what is PRRT?", (("not_helpful", 1),), "prrt")


def test_feedback_counts_for_the_answer_its_reply_names_and_the_note_goes_on_the_to_do_list():
    """The assistant's reply to a click names the answer it rates (actions/feedback.py); the
    message after "not helpful" that says what was missing is a message, and a to-do item."""
    surgery = dict(ANSWER, topic="surgery", aspect="how_given", passages=["surgery-types"])
    rated = {"kind": "feedback", "verdict": "not_helpful", "topic": "surgery",
             "aspect": "how_given", "sources": ["s"], "passages": ["surgery-types"],
             "not_covered": None}
    counter = FigureCounter()
    counter.add_conversation(_conversation(
        ("how is surgery done?", "ask_surgery", surgery),
        ("what is PRRT?", "ask_prrt", ANSWER),
        ("/feedback_not_helpful", "feedback_not_helpful", rated),  # names surgery, not PRRT
        ("it didn't say how long I'd be in hospital", "out_of_scope",
         dict(rated, missing_info=True)),
        ("/feedback_helpful", "feedback_helpful", dict(rated, verdict="helpful")),
    ))
    figures = counter.figures
    assert figures.feedback_by_topic == Counter({("surgery", "not_helpful"): 1,
                                                 ("surgery", "helpful"): 1})
    assert figures.feedback_by_passage == Counter({("surgery-types", "not_helpful"): 1,
                                                   ("surgery-types", "helpful"): 1})
    assert figures.messages == 3 and figures.outcomes["missing_info"] == 1
    groups = {g.example: g for g in figures.todo.groups()}
    note = groups["it didn't say how long I'd be in hospital"]
    assert (note.reasons, note.topic, note.aspect) == (
        (("missing_info", 1),), "surgery", "how_given")
    assert groups["how is surgery done?"].reasons == (("not_helpful", 1),)  # the rated answer's


def test_what_ends_badly_goes_on_the_to_do_list_with_the_assistants_guess():
    not_covered = dict(ANSWER, aspect="what_is", not_covered="side_effects")
    counter = FigureCounter()
    counter.add_conversation(_conversation(
        ("what are the side effects of PRRT?", "ask_prrt", not_covered),
        ("the weather?", "out_of_scope", {"kind": "fallback"}),
        ("and the jab thing??", "nlu_fallback", {"kind": "fallback"}),
        ("/out_of_scope", "out_of_scope", {"kind": "fallback"}),  # a button: not words typed
        ("I have crushing chest pain", "emergency", {"kind": "emergency"}),
    ))
    figures = counter.figures
    assert figures.outcomes == Counter(
        {"not_covered": 1, "out_of_scope": 2, "fallback": 1, "emergency": 1})
    assert sum(figures.emergencies_per_day.values()) == 1
    groups = {g.example: g for g in figures.todo.groups()}
    assert set(groups) == {"what are the side effects of PRRT?", "the weather?",
                           "and the jab thing??"}
    side_effects = groups["what are the side effects of PRRT?"]
    assert (side_effects.topic, side_effects.aspect) == ("prrt", "side_effects")


# --- the to-do list ----------------------------------------------------------------------------

def test_messages_are_normalised_before_grouping():
    assert normalise("  What's   PRRT?!  ") == "what s prrt"


def test_near_identical_messages_are_grouped_and_counted():
    todo = TodoList()
    for text in ("What is the cost of PRRT?", "what is the cost of prrt", "WHAT IS THE COST OF PRRT",
                 "what is the cost of PRRT please", "what is the cost of surgery?"):
        todo.add(text, "not_covered", "surgery" if "surgery" in text else "prrt", "cost")
    groups = todo.groups()
    assert [(g.count, g.variants, g.topic) for g in groups] == [(4, 4, "prrt"), (1, 1, "surgery")]


def test_messages_are_redacted_before_they_are_grouped():
    todo = TodoList()
    for name, email in (("Anna", "anna@example.org"), ("Tom", "t.smith@example.com")):
        todo.add(f"my name is {name}, email me at {email}", "fallback", None, None)
    [group] = todo.groups()
    assert group.example == "my name is [name], email me at [email]"
    assert group.count == 2


def test_prefix_filtered_grouping_finds_what_comparing_every_pair_finds():
    rng = random.Random(7)
    words = [f"w{i}" for i in range(30)]
    groups: Dict[str, Tally] = {}
    for _ in range(400):
        key = " ".join(sorted(set(rng.sample(words, rng.randint(1, 8)))))
        tally = groups.setdefault(key, Tally())
        tally.count += rng.randint(1, 3)
        tally.guesses[(rng.choice(["prrt", "surgery"]), None)] += 1
    every_pair = [t.count for t in _all_pairs(groups, 0.6)]  # first: the fast one merges in place
    assert [t.count for t in merge_near_duplicates(groups, 0.6)] == every_pair
    assert len(every_pair) < len(groups)


def _all_pairs(groups: Dict[str, Tally], threshold: float) -> List[Tally]:
    """The same leader clustering, comparing each group with every leader."""
    leaders: List[Tuple[set, Tally]] = []
    for key, tally in sorted(groups.items(), key=lambda item: (-item[1].count, item[0])):
        tokens = set(key.split())
        scored = [(len(tokens & t) / len(tokens | t), i) for i, (t, leader) in enumerate(leaders)
                  if leader.guess[0] == tally.guess[0]]
        best = max((s for s in scored if s[0] >= threshold), key=lambda s: (s[0], -s[1]),
                   default=None)
        if best is None:
            leaders.append((tokens, Tally(tally.count, Counter(), Counter(tally.guesses))))
        else:
            leaders[best[1]][1].count += tally.count
            leaders[best[1]][1].guesses.update(tally.guesses)
    return [tally for _, tally in leaders]


# --- the page ---------------------------------------------------------------------------------

SECTIONS = ("activity", "topics", "outcomes", "safety", "feedback", "todo")


@pytest.fixture(scope="module")
def report_html(store: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = write_report(sqlite_url(store), tmp_path_factory.mktemp("page") / "report.html",
                        today=date(2024, 10, 5), quiet=True)
    return path.read_text()


def test_the_report_is_dated_self_contained_and_has_every_section(report_html: str):
    html = report_html
    for section in SECTIONS:
        assert f'<section id="{section}"' in html
    assert html.count("<svg") == 6  # activity, topics, outcomes, safety, feedback x2
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "@import" not in html and not re.search(r"url\((?!#)", html)  # only the SVGs' own ids
    assert "Made on 2024-10-05" in html and "2024-09-30 to 2024-10-04" in html
    assert report_path(date(2024, 10, 5)).name == "report-2024-10-05.html"


def test_the_report_shows_no_sender_id_and_no_unredacted_message(store: Path, report_html: str):
    html = report_html
    with sqlite3.connect(store) as db:
        senders = [row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")]
    assert senders and not [s for s in senders if s in html]
    assert "@example.org" not in html and not re.search(r"07700 ?9\d{5}", html)
    assert "email me at [email] about it" in html and "call me on [phone] please" in html


def test_an_empty_store_gives_a_report_that_says_so(tmp_path: Path):
    path = tmp_path / "empty.db"
    create_store(f"sqlite:///{path}").dispose()
    html = write_report(sqlite_url(path), tmp_path / "r.html", quiet=True).read_text()
    assert "There are no conversations in the store yet." in html
    assert "No feedback yet." in html and "<svg" not in html


@pytest.mark.parametrize("every, shown", [(100, (100, 200, 300)), (120, (120, 240, 300))])
def test_progress_is_shown_every_n_conversations_and_at_the_end(store: Path, tmp_path: Path,
                                                                capsys, every, shown):
    write_report(sqlite_url(store), tmp_path / "r.html", progress_every=every)
    lines = capsys.readouterr().err.splitlines()
    assert [re.sub(r" in \d+ s$", "", line) for line in lines] == [
        f"report: read {n} of {CONVERSATIONS} conversations" for n in shown]


def test_the_command_writes_the_report_and_prints_where(store: Path, tmp_path: Path, capsys):
    out = tmp_path / "cmd.html"
    assert report_main(["--db-url", f"sqlite:///{store}", "--out", str(out), "--quiet",
                        "--todo-limit", "3"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert out.read_text().count('<td class="message">') == 3


def test_the_words_file_must_have_every_word_the_page_uses(tmp_path: Path):
    (tmp_path / "report.yml").write_text("title: Report\n")
    with pytest.raises(ContentError, match="missing 'made'"):
        load_words(tmp_path)


def test_count_senders(store: Path):
    engine = open_store(sqlite_url(store), read_only=True)
    assert count_senders(engine) == CONVERSATIONS
    engine.dispose()
