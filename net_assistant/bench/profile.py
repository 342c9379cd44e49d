"""Where the time of a message goes: py-spy on both servers while 10 users talk to ours.

``python -m net_assistant.bench.profile [--users 10] [--seconds 40] [--turns N] [--py-spy PATH]``
(``--turns``: one conversation of N turns instead of the users: what grows with its length) starts
ours as the benchmark does, records both servers with py-spy (sampling, 100 Hz, no restart:
it attaches by pid, so it needs ptrace rights: run as the servers' user or root) and writes,
under build/bench/profile/, each server's flame graph (SVG) and collapsed stacks, and prints
the share of the Rasa server's busy samples per part of a turn, with the milliseconds of CPU
per message that share stands for. py-spy is a development tool, not in the lock: install it
with ``pip install py-spy`` (a throwaway venv will do).
"""
from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from net_assistant.bench import systems
from net_assistant.content.loading import PROJECT_DIR

PROFILE_DIR = systems.BENCH_DIR / "profile"
RATE = 100  # samples a second
COMPONENTS_FILE = "net_assistant/rasa_adapters/components.py"
# (part of the turn, what a frame's text contains); the first that any frame of a stack
# matches, from the innermost frame outwards, names the stack's part.
IDLE = "idle: the event loop waits for work"
IDLE_FRAMES = ("serve (sanic/server/runners.py", "select (selectors.py", "run_forever (asyncio/")
PARTS: Tuple[Tuple[str, str], ...] = (
    ("channel: our REST/Socket.IO code", "net_assistant/rasa_adapters/channels.py"),
    ("action server: our answer logic (net_assistant)", "(net_assistant/"),
    ("action server: our actions", "(actions/"),
    ("action server: rasa_sdk (tracker from JSON, dispatch)", "rasa_sdk/"),
    ("action response validation (jsonschema)", "jsonschema/"),
    ("tracker store: SQL (SQLAlchemy, sqlite3)", "sqlalchemy/"),
    ("tracker store: events to and from JSON", "tracker_store.py"),
    ("policies", "rasa/core/policies/"),
    ("action call: request, response, events", "rasa/core/actions/"),
    ("NLU", "rasa/nlu/"),
    ("NLU: spaCy", "spacy/"),
    ("NLU: TensorFlow", "tensorflow/"),
    ("tracker: events, featurising, copying", "rasa/shared/core/"),
    ("channel: our REST/Socket.IO code", "net_assistant/rasa_adapters/channels.py"),
    ("channel: Socket.IO / engine.io", "socketio/"),
    ("channel: Socket.IO / engine.io", "engineio/"),
    ("HTTP server (Sanic)", "sanic/"),
    ("HTTP client (aiohttp)", "aiohttp/"),
    ("processor: turn orchestration", "rasa/core/processor.py"),
    ("logging", "logging/"),
    ("structlog", "structlog/"),
    ("asyncio event loop", "asyncio/"),
)


def component_lines(path: Path = PROJECT_DIR / COMPONENTS_FILE) -> List[Tuple[int, int, str]]:
    """(first line, last line, class) of each class in our components module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.end_lineno or n.lineno, n.name) for n in tree.body
            if isinstance(n, ast.ClassDef)]


def _frame_file_line(frame: str) -> Tuple[str, int]:
    inside = frame[frame.rfind("(") + 1:frame.rfind(")")]
    file, _, line = inside.rpartition(":")
    return file, int(line) if line.isdigit() else 0


def part_of(stack: List[str], classes: List[Tuple[int, int, str]]) -> str:
    """The part of a turn one sampled stack (outermost frame first) belongs to."""
    if stack and stack[-1].startswith(IDLE_FRAMES):
        return IDLE
    for frame in reversed(stack):
        if COMPONENTS_FILE in frame:
            _, line = _frame_file_line(frame)
            for first, last, name in classes:
                if first <= line <= last:
                    return f"our NLU component: {name}"
        if "net_assistant/safety/" in frame or "net_assistant/support/languages.py" in frame:
            return "our NLU component: safety and language rules"
    for frame in reversed(stack):
        # Rasa's own work, done our way: the caller's.
        if "net_assistant/rasa_adapters/speedups.py" in frame:
            continue
        for part, marker in PARTS:
            if marker in frame:
                if part == "NLU":
                    return f"NLU: {_nlu_component(stack)}"
                return part
    return "other"


def _nlu_component(stack: List[str]) -> str:
    """The outermost rasa/nlu file of the stack: the component running."""
    for frame in stack:
        if "rasa/nlu/" in frame:
            file, _ = _frame_file_line(frame)
            return Path(file).stem
    return "?"


def shares(collapsed: Iterable[str]) -> Dict[str, int]:
    """Samples per part, from py-spy's raw (collapsed) output: 'f1;f2;... count' lines."""
    classes = component_lines()
    counts: Counter = Counter()
    for line in collapsed:
        stack_text, _, count = line.rstrip().rpartition(" ")
        if stack_text and count.isdigit():
            counts[part_of(stack_text.split(";"), classes)] += int(count)
    return dict(counts)


def _record(py_spy: str, pid: int, seconds: float, out: Path) -> subprocess.Popen:
    return subprocess.Popen([py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds)),
                             "--rate", str(RATE), "--format", "raw", "--output", str(out),
                             "--nonblocking"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)


def _flame(py_spy: str, pid: int, seconds: float, out: Path) -> subprocess.Popen:
    return subprocess.Popen([py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds)),
                             "--rate", "50", "--output", str(out), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def report(counts: Dict[str, int], messages: int) -> str:
    """Samples per part, their share of the busy samples, and what they stand for per message:
    the server runs one event loop, so a sample is 1/RATE s of that loop's time, whether it
    computed or waited for the disk inside a synchronous call."""
    busy = sum(n for part, n in counts.items() if part != IDLE) or 1
    lines = [f"{'part of a turn':<56}{'samples':>8}{'busy':>8}{'ms/msg':>8}"]
    for part, count in sorted(counts.items(), key=lambda item: -item[1]):
        share = "" if part == IDLE else f"{count / busy:.1%}"
        ms = 1000 * count / RATE / messages if messages else 0.0
        lines.append(f"{part:<56}{count:>8}{share:>8}{ms:8.1f}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    from net_assistant.benchmark import Plan, _drive, _first_answer, _model, _start

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--turns", type=int,
                        help="profile one conversation of this many turns instead of --users")
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or "py-spy")
    args = parser.parse_args(argv)
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary, \
            open(systems.BENCH_DIR / "profile-servers.log", "w") as log:
        workdir = Path(temporary)
        assistant = _start("ours", _model("ours", Plan(evaluate=False), log, False), workdir, log)
        try:
            assistant.start_actions()
            assistant.start_rasa()
            _first_answer(assistant.rasa_url)
            _drive(assistant.rasa_url, "profile-warm-up", workdir, "--users", "2",
                   "--seconds", "5")
            pids = {name: p.pid for name, p in assistant.processes.items()}
            cpu_before = systems.cpu_seconds(pids["rasa"])
            spies = [_record(args.py_spy, pid, args.seconds, PROFILE_DIR / f"{name}.txt")
                     for name, pid in pids.items()]
            spies += [_flame(args.py_spy, pid, args.seconds, PROFILE_DIR / f"{name}.svg")
                      for name, pid in pids.items()]
            time.sleep(1)
            load = (["--turns", str(args.turns)] if args.turns else
                    ["--users", str(args.users), "--seconds", str(args.seconds - 2)])
            records = _drive(assistant.rasa_url, "profile", workdir, *load)
            cpu = systems.cpu_seconds(pids["rasa"]) - cpu_before
            for spy in spies:
                spy.wait()
        finally:
            assistant.stop()
    answered = sum(r.ok for r in records)
    print(f"{answered} messages in {args.seconds - 2:.0f} s; Rasa server CPU {cpu:.1f} s, "
          f"{1000 * cpu / max(answered, 1):.1f} ms a message; NET_SPEEDUPS="
          f"{os.environ.get('NET_SPEEDUPS', '1')}")
    for name in pids:
        counts = shares((PROFILE_DIR / f"{name}.txt").read_text().splitlines())
        print(f"\n== {name} server\n{report(counts, answered)}")
    print(f"\nFlame graphs and stacks in {PROFILE_DIR}")


if __name__ == "__main__":
    main()
