"""The editors' report (``make report``): what people asked, how it went, and what to fix.

Reads the tracker store the server writes (see :mod:`net_assistant.conversation_store`),
counts in one streaming pass (:mod:`.figures`), groups the messages that ended badly into the
editors' to-do list (:mod:`.todo`, redacted by :mod:`net_assistant.redaction`) and writes one
self-contained HTML page with matplotlib's SVG plots inline (:mod:`.render`).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from net_assistant.content.loading import PROJECT_DIR

REPORTS_DIR = PROJECT_DIR / "build" / "reports"
REPORT_PREFIX = "report-"


def report_path(day: date, directory: Path = REPORTS_DIR) -> Path:
    """Where the report of ``day`` goes: build/reports/report-YYYY-MM-DD.html."""
    return directory / f"{REPORT_PREFIX}{day.isoformat()}.html"
