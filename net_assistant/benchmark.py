"""The benchmark (``make bench``): ours side by side with Rasa's default configuration and
Rasa's floor, on this machine, in one run.

For each system (net_assistant.bench.systems) it starts the real servers, measures the cold
start (Rasa process start to the first answer), drives them from a separate process
(net_assistant.bench.load) with 1, 10 and 50 simultaneous users holding multi-turn conversations
over REST and Socket.IO, holds one conversation of 100 turns (latency against conversation
length), and reads each server's peak memory. Training times and held-out accuracy come from the
models' sidecars (measured when the model was trained or first evaluated; ``--retrain`` measures
training again). ``--without-speedups`` adds ours and the default with NET_SPEEDUPS=0 (Rasa's own
code paths: what net_assistant.rasa_adapters.speedups changes; the speedups serve any
configuration, so "default-without-speedups" is Rasa's default configuration as plain Rasa serves
it). ``--workers 2`` adds ours with that many Sanic
workers (Redis lock store, started here). Figures are printed as a table, with ours as ratios to the
others, and kept in build/bench/results.json; ``--plots DIR`` writes the plots. Figures depend on
the machine and on what else runs on it: the load average is printed with them.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, TextIO

from net_assistant.bench import systems
from net_assistant.bench.stats import Record, block_median, by_turn, ratio, summarise
from net_assistant.content.loading import PROJECT_DIR
from net_assistant.servers import RASA, Assistant, free_port

SYSTEMS = ("floor", "default", "ours")
SATURATED = 10  # users sending again as soon as answered: the server's throughput
RESULTS = systems.BENCH_DIR / "results.json"
WITHOUT_SPEEDUPS = "-without-speedups"  # the same model on Rasa's own code paths (NET_SPEEDUPS=0)
PLAIN_DEFAULT = "default" + WITHOUT_SPEEDUPS


@dataclass(frozen=True)
class Plan:
    """How long each part runs: the full run, or ``--quick`` for a smoke run."""

    users: Sequence[int] = (1, 10, 50)
    seconds: float = 30.0
    turns: int = 100
    block: int = 10  # turns compared at the start and at the end of the long conversation
    evaluate: bool = True


QUICK = Plan(users=(1, 10), seconds=8.0, turns=20, block=5, evaluate=False)


@dataclass
class Measured:
    """What one system gave in this run."""

    name: str
    levels: Dict[int, Dict[str, Any]] = field(default_factory=dict)
    cold_start_seconds: Optional[float] = None
    actions_start_seconds: Optional[float] = None
    rss_mb: Dict[str, Dict[str, float]] = field(default_factory=dict)
    turns: Dict[int, float] = field(default_factory=dict)  # turn -> median latency, ms
    turn_start_ms: Optional[float] = None
    turn_end_ms: Optional[float] = None
    saturated: Dict[str, Any] = field(default_factory=dict)  # SATURATED REST users, no reading
    model: Dict[str, Any] = field(default_factory=dict)  # the sidecar: training, held-out


def _say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _first_answer(url: str) -> None:
    body = json.dumps({"sender": f"cold-{time.monotonic_ns()}", "message": "hello"}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as reply:
        reply.read()


def _drive(url: str, label: str, workdir: Path, *options: str) -> List[Record]:
    """The load generator in its own process; its records."""
    out = workdir / f"{label}.json"
    subprocess.run([sys.executable, "-m", "net_assistant.bench.load", "--url", url,
                    "--label", label, "--out", str(out), *options], check=True, cwd=PROJECT_DIR)
    return [Record(**r) for r in json.loads(out.read_text())]


def _cpu(assistant: Assistant) -> Dict[str, float]:
    return {name: systems.cpu_seconds(p.pid) for name, p in assistant.processes.items()}


def _level(assistant: Assistant, users: int, plan: Plan, workdir: Path,
           label: str, *options: str) -> Dict[str, Any]:
    load = systems.load_average()
    cpu_before, started = _cpu(assistant), time.perf_counter()
    records = _drive(assistant.rasa_url, label, workdir, "--users", str(users),
                     "--seconds", str(plan.seconds), *options)
    wall = time.perf_counter() - started
    cpu = {name: (seconds - cpu_before.get(name, 0.0)) / wall
           for name, seconds in _cpu(assistant).items()}
    window = max((r.started + r.seconds for r in records), default=plan.seconds)
    result = summarise(records, window).as_dict()
    per_transport = {t: summarise([r for r in records if r.transport == t], window).as_dict()
                     for t in ("rest", "socketio")}
    _say(f"{label}: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
         f"{result['per_second']:.1f} msg/s, {result['errors']} errors (load before {load:.2f})")
    return {**result, "load_before": load, "cpu_cores": cpu, "transports": per_transport}


def _long_conversation(assistant: Assistant, plan: Plan, workdir: Path,
                       measured: Measured) -> None:
    records = _drive(assistant.rasa_url, f"{measured.name}-long", workdir,
                     "--turns", str(plan.turns))
    turns = by_turn(records)
    measured.turns = {turn: values[0] for turn, values in sorted(turns.items())}
    measured.turn_start_ms = block_median(turns, 1, plan.block)
    measured.turn_end_ms = block_median(turns, plan.turns - plan.block + 1, plan.turns)
    _say(f"{measured.name}: turns 1-{plan.block} {measured.turn_start_ms:.0f} ms, "
         f"turns {plan.turns - plan.block + 1}-{plan.turns} {measured.turn_end_ms:.0f} ms")


def _start(name: str, model: Path, workdir: Path, log: TextIO,
           extra: Optional[Dict[str, str]] = None, endpoints: Optional[str] = None) -> Assistant:
    files = systems.paths(name.split("-")[0])
    assistant = Assistant(model, free_port(), free_port(), workdir / f"{name}-tracker.db",
                          log=log, endpoints=endpoints or files["endpoints"],
                          credentials=files["credentials"], extra_environment=extra or {})
    return assistant


def measure(name: str, model: Path, plan: Plan, workdir: Path, log: TextIO,
            extra: Optional[Dict[str, str]] = None, endpoints: Optional[str] = None,
            users: Optional[Sequence[int]] = None, long: bool = True) -> Measured:
    """Start one system, measure it, stop it."""
    measured = Measured(name, model=systems.read_sidecar(model))
    assistant = _start(name, model, workdir, log, extra, endpoints)
    try:
        if not name.startswith("floor"):  # the floor has no action server
            started = time.perf_counter()
            assistant.start_actions()
            measured.actions_start_seconds = time.perf_counter() - started
        started = time.perf_counter()
        assistant.start_rasa()
        _first_answer(assistant.rasa_url)
        measured.cold_start_seconds = time.perf_counter() - started
        _say(f"{name}: cold start {measured.cold_start_seconds:.1f} s")
        _drive(assistant.rasa_url, f"{name}-warm-up", workdir, "--users", "2", "--seconds", "3")
        for count in users or plan.users:
            measured.levels[count] = _level(assistant, count, plan, workdir,
                                            f"{name}-{count}-users")
        if SATURATED in (users or plan.users):
            measured.saturated = _level(assistant, SATURATED, plan, workdir,
                                        f"{name}-{SATURATED}-saturating", "--no-reading")
        if long:
            _long_conversation(assistant, plan, workdir, measured)
        measured.rss_mb = {n: systems.peak_rss_mb(p.pid) for n, p in assistant.processes.items()}
    finally:
        assistant.stop()
    return measured


def _model(name: str, plan: Plan, log: TextIO, retrain: bool) -> Path:
    if name == "ours" and not (plan.evaluate or retrain):
        from net_assistant.model import ensure_model

        cached = systems.cached_model("ours")
        return cached if cached.exists() else systems.copy_into_cache("ours", ensure_model())
    _say(f"{name}: model (trained now if not cached: minutes)")
    return systems.trained_model(name, log, retrain)


def _evaluate(model: Path) -> None:
    if "held_out" not in systems.read_sidecar(model):
        _say(f"held-out evaluation of {model.name} (once per model: minutes)")
        subprocess.run([sys.executable, "-m", "net_assistant.bench.accuracy", str(model)],
                       check=True, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL)


def _workers(model: Path, count: int, plan: Plan, workdir: Path, log: TextIO) -> Measured:
    redis_port = free_port()
    redis = systems.start_redis(redis_port, log)
    if redis is None:
        raise SystemExit("--workers needs redis-server (Debian: apt-get install redis-server)")
    try:
        return measure(f"ours-{count}-workers", model, plan, workdir, log,
                       extra={"SANIC_WORKERS": str(count)},
                       endpoints=systems.worker_endpoints(redis_port),
                       users=[u for u in plan.users if u > 1], long=False)
    finally:
        redis.terminate()
        redis.wait()


# --------------------------------------------------------------------------- the report

def _fmt(value: Optional[float], digits: int = 0, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}{unit}"


def _held_out(measured: Measured, name: str) -> Optional[float]:
    """A set's answer accuracy in per cent."""
    share = measured.model.get("held_out", {}).get(name, {}).get("answer_accuracy")
    return None if share is None else 100 * share


def rows(results: Dict[str, Measured]) -> List[List[str]]:
    """The figures table: one row per figure, one column per system, then ours as ratios."""
    ours = results.get("ours")
    names = list(results)
    others = [name for name in ("default", "floor", PLAIN_DEFAULT) if name in results]
    table = [["figure", *names, *(f"ours/{other}" for other in others)]]

    def add(label: str, get: Any, digits: int = 0, unit: str = "", ratios: bool = True) -> None:
        values = [get(results[n]) for n in names]
        line = [label, *(_fmt(v, digits, unit) for v in values)]
        for other in others:
            shown = ratio(get(ours), get(results[other])) if ratios and ours else None
            line.append(_fmt(shown, 2, "×"))
        table.append(line)

    users = sorted({u for m in results.values() for u in m.levels})
    for count in users:
        for key, unit in (("p50_ms", " ms"), ("p95_ms", " ms"), ("p99_ms", " ms")):
            add(f"{key[:3]} at {count} users", lambda m, c=count, k=key:
                m.levels.get(c, {}).get(k), unit=unit)
        add(f"messages/s at {count} users", lambda m, c=count:
            m.levels.get(c, {}).get("per_second"), 1)
        add(f"errors at {count} users", lambda m, c=count: m.levels.get(c, {}).get("errors"),
            ratios=False)
        add(f"Rasa CPU at {count} users (cores)", lambda m, c=count:
            m.levels.get(c, {}).get("cpu_cores", {}).get(RASA), 2, ratios=False)
    for key, label, unit, digits in (("p95_ms", "p95", " ms", 0),
                                     ("per_second", "messages/s", "", 1)):
        add(f"{label}, {SATURATED} REST users, no reading time", lambda m, k=key:
            m.saturated.get(k), digits, unit)
    add("latency turns 1-10", lambda m: m.turn_start_ms, unit=" ms")
    add("latency turns 91-100", lambda m: m.turn_end_ms, unit=" ms")
    add("turn 100 / turn 1", lambda m: ratio(m.turn_end_ms, m.turn_start_ms), 2, ratios=False)
    add("cold start", lambda m: m.cold_start_seconds, 1, " s")
    add("peak RSS, Rasa server", lambda m: m.rss_mb.get(RASA, {}).get("tree"), unit=" MB")
    add("peak RSS, action server", lambda m: m.rss_mb.get("actions", {}).get("tree"),
        unit=" MB", ratios=False)
    add("training", lambda m: m.model.get("training_seconds"), 0, " s")
    for set_name in ("first", "second", "third", "real"):
        add(f"held-out answer accuracy, {set_name}", lambda m, s=set_name: _held_out(m, s),
            1, " %", ratios=False)
    return table


def render(table: List[List[str]]) -> str:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths)))
                     for row in table)


def markdown(table: List[List[str]]) -> str:
    """The same table for docs/benchmarks.md."""
    lines = ["| " + " | ".join(table[0]) + " |", "|" + " --- |" * len(table[0])]
    lines += ["| " + " | ".join(row) + " |" for row in table[1:]]
    return "\n".join(lines)


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.node()}: {os.cpu_count()} CPUs, {memory:.0f} GiB, "
            f"{platform.platform()}, Python {platform.python_version()}")


def save(results: Dict[str, Measured], argv: List[str]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "machine": machine(), "command": " ".join(argv),
        "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "systems": {name: m.__dict__ for name, m in results.items()},
    }, indent=1, default=str))


def load_results(path: Path = RESULTS) -> Dict[str, Measured]:
    """The last run's figures, with each model's sidecar as it is now (a training time or
    held-out figures measured since)."""
    saved = json.loads(path.read_text())["systems"]
    results = {}
    for name, values in saved.items():
        measured = Measured(**values)
        measured.levels = {int(k): v for k, v in measured.levels.items()}
        measured.turns = {int(k): v for k, v in measured.turns.items()}
        model = systems.cached_model(name.split("-")[0])
        measured.model = systems.read_sidecar(model) or measured.model
        results[name] = measured
    return results


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 1 and 10 users for 8 s each, 20 turns, no evaluation")
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--workers", type=int, default=0,
                        help="also measure ours with this many Sanic workers (Redis lock store)")
    parser.add_argument("--without-speedups", action="store_true",
                        help="also measure ours and the default with NET_SPEEDUPS=0 "
                             "(Rasa's own code paths)")
    parser.add_argument("--retrain", action="store_true", help="measure training again")
    parser.add_argument("--plots", type=Path, help="write the plots into this folder")
    parser.add_argument("--users", type=int, nargs="+", help="load levels instead of 1 10 50")
    parser.add_argument("--seconds", type=float, help="seconds per load level instead of 30")
    parser.add_argument("--no-eval", action="store_true", help="skip the held-out evaluation")
    parser.add_argument("--table", action="store_true",
                        help="print the last run's table again (models' figures as they are now)")
    args = parser.parse_args(argv)
    if args.table:
        table = rows(load_results())
        (systems.BENCH_DIR / "table.md").write_text(markdown(table) + "\n")
        print(render(table))
        return
    plan = QUICK if args.quick else Plan()
    plan = replace(plan, users=tuple(args.users or plan.users),
                   seconds=args.seconds or plan.seconds,
                   evaluate=plan.evaluate and not args.no_eval)
    started = time.perf_counter()
    _say(f"{machine()}; load average {os.getloadavg()}")
    results: Dict[str, Measured] = {}
    systems.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary, \
            open(systems.BENCH_DIR / "servers.log", "w") as log:
        workdir = Path(temporary)
        models = {name: _model(name, plan, log, args.retrain) for name in args.systems}
        if plan.evaluate:
            for name in ("default", "ours"):
                if name in models:
                    _evaluate(models[name])
        for name in args.systems:
            results[name] = measure(name, models[name], plan, workdir, log)
        for name in ("ours", "default"):
            if args.without_speedups and name in models:
                results[f"{name}{WITHOUT_SPEEDUPS}"] = measure(
                    f"{name}{WITHOUT_SPEEDUPS}", models[name], plan, workdir, log,
                    extra={"NET_SPEEDUPS": "0"})
        if args.workers > 1 and "ours" in models:
            try:
                workers = _workers(models["ours"], args.workers, plan, workdir, log)
                results[workers.name] = workers
            except (RuntimeError, TimeoutError, OSError, subprocess.CalledProcessError) as error:
                _say(f"{args.workers} workers could not be measured: {error}")
    save(results, sys.argv)
    if args.plots:
        from net_assistant.bench.plots import write_plots

        write_plots(results, args.plots)
    table = rows(results)
    (systems.BENCH_DIR / "table.md").write_text(markdown(table) + "\n")
    print(render(table))
    print(f"\n{machine()}\nwhole run {time.perf_counter() - started:.0f} s; "
          f"load average at the end {os.getloadavg()}; details in {RESULTS}")


if __name__ == "__main__":
    main()
