"""``python -m net_assistant.report``: write today's editors' report (``make report``)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

import sqlalchemy as sa

from net_assistant.conversation_store import ENDPOINTS_FILE, StoreError, configured_url
from net_assistant.report.build import PROGRESS_EVERY, write_report
from net_assistant.report.render import DEFAULT_TODO_LIMIT


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m net_assistant.report",
        description="Write the editors' report from the conversations the server has stored "
                    "(build/reports/report-YYYY-MM-DD.html).")
    parser.add_argument("--out", type=Path, help="where to write the report instead")
    parser.add_argument("--endpoints", type=Path, default=ENDPOINTS_FILE,
                        help="the endpoints file whose tracker_store to read [endpoints.yml]")
    parser.add_argument("--db-url", help="an SQLAlchemy URL to read instead of the configured "
                                         "store (sqlite:///path/to/tracker.db)")
    parser.add_argument("--todo-limit", type=int, default=DEFAULT_TODO_LIMIT,
                        help=f"groups shown on the to-do list [{DEFAULT_TODO_LIMIT}]")
    parser.add_argument("--progress-every", type=int, default=PROGRESS_EVERY,
                        help=f"print progress every N conversations [{PROGRESS_EVERY}]")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    try:
        url = sa.engine.make_url(args.db_url) if args.db_url else configured_url(args.endpoints)
        path = write_report(url, args.out, todo_limit=args.todo_limit,
                            progress_every=args.progress_every, quiet=args.quiet)
    except StoreError as error:
        print(f"report: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
