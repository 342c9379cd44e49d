"""Read the store, count, group, render and write: the report from end to end."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Optional

from sqlalchemy.engine import URL

from net_assistant.conversation_store import (
    count_senders, describe, open_store, stream_events,
)
from net_assistant.report import report_path
from net_assistant.report.figures import Figures, count_figures
from net_assistant.report.render import DEFAULT_TODO_LIMIT, render_report
from net_assistant.report.turns import EVENT_TYPES

PROGRESS_EVERY = 10_000


def read_figures(url: URL, progress_every: int = PROGRESS_EVERY, quiet: bool = False) -> Figures:
    """Every figure of the report, reading the store read-only; progress on stderr."""
    engine = open_store(url, read_only=True)
    try:
        total = count_senders(engine)

        def progress(done: int, seconds: float) -> None:
            print(f"report: read {done:,} of {total:,} conversations in {seconds:.0f} s",
                  file=sys.stderr, flush=True)

        return count_figures(stream_events(engine, EVENT_TYPES),
                             None if quiet else progress, progress_every)
    finally:
        engine.dispose()


def write_report(url: URL, out: Optional[Path] = None, today: Optional[date] = None,
                 todo_limit: int = DEFAULT_TODO_LIMIT, progress_every: int = PROGRESS_EVERY,
                 quiet: bool = False) -> Path:
    """Read the store and write the dated report; returns its path."""
    today = today or date.today()
    figures = read_figures(url, progress_every, quiet)
    html = render_report(figures, describe(url), today, figures.todo.groups(), todo_limit)
    path = out or report_path(today)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
