"""How long the report takes, and how much memory, on a large store (``make bench-report``).

Fills an SQLite file with synthetic conversations in Rasa's events schema
(:mod:`.synthetic`; 100,000 by default, kept for the next run), then runs
``python -m net_assistant.report`` on it in a child process and prints the wall time and the
child's peak resident memory. Figures depend on the machine: say which when you quote them.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional

import sqlalchemy as sa

from net_assistant.content.loading import PROJECT_DIR
from net_assistant.report.synthetic import create_store, fill_store

BENCH_DIR = PROJECT_DIR / "build" / "bench"


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m net_assistant.report.benchmark")
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--db", type=Path, help="the SQLite file [build/bench/tracker-N.db]")
    parser.add_argument("--fresh", action="store_true", help="refill the store even if it exists")
    return parser.parse_args(argv)


def ensure_store(path: Path, conversations: int, days: int, fresh: bool) -> None:
    if path.exists() and not fresh:
        print(f"reusing {path}")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    engine = create_store(f"sqlite:///{path}")
    events = fill_store(engine, conversations, days)
    engine.dispose()
    print(f"filled {path}: {conversations:,} conversations, {events:,} events, "
          f"{path.stat().st_size / 2**20:,.0f} MiB in {time.perf_counter() - started:.0f} s")


def run_report(db: Path, out: Path) -> float:
    """Seconds the report took, in a child process (so its memory is measured alone)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "net_assistant.report", "--db-url", f"sqlite:///{db}",
                    "--out", str(out)], cwd=PROJECT_DIR, check=True,
                   env={**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1"})
    return time.perf_counter() - started


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    db = args.db or BENCH_DIR / f"tracker-{args.conversations}.db"
    ensure_store(db, args.conversations, args.days, args.fresh)
    with sa.create_engine(f"sqlite:///{db}").connect() as connection:
        events = connection.execute(sa.text("SELECT COUNT(*) FROM events")).scalar_one()
    out = BENCH_DIR / "report.html"
    seconds = run_report(db, out)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"report over {args.conversations:,} conversations ({events:,} events, "
          f"{db.stat().st_size / 2**20:,.0f} MiB): {seconds:.1f} s, peak memory {peak_mib:,.0f} MiB, "
          f"report {out.stat().st_size / 1024:,.0f} KiB, {os.cpu_count()} CPU cores")


if __name__ == "__main__":
    main()
