"""The three systems the benchmark compares, each trained on the same data and started the
same way (net_assistant.servers.Assistant), and what it reads about their processes.

- ``ours``: config.yml, endpoints.yml (SQLite tracker store, the action server),
  credentials.yml (our hardened channels): what ``make run`` starts.
- ``default``: Rasa's default configuration — the pipeline and policies ``rasa init`` writes
  for 3.6, read from the installed Rasa (``rasa/engine/recipes/config_files/default_config.yml``)
  — trained on the same domain and data, served exactly like ours (same endpoints, channels,
  actions): the difference measured is the configuration.
- ``floor``: the cheapest Rasa can be: WhitespaceTokenizer + KeywordIntentClassifier,
  RulePolicy only, one fixed response per intent, the in-memory tracker store, no action
  server, Rasa's own REST and Socket.IO channels.

Models are cached in build/bench/models under a fingerprint of what they are trained from,
each with a ``.json`` beside it: how long its training took (measured when it was trained) and,
once measured, its held-out evaluation figures.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from net_assistant.content.loading import PROJECT_DIR
from net_assistant.model import fingerprint

BENCH_DIR = PROJECT_DIR / "build" / "bench"
MODELS_DIR = BENCH_DIR / "models"
FLOOR_KEYWORDS = 10  # per intent: 290 patterns, well within re's cache of 512
DERIVATION = 2  # bump when the way the default's or the floor's files are derived changes


def rasa_default_config() -> str:
    """The configuration ``rasa init`` writes, from the installed Rasa (no network)."""
    import rasa

    path = Path(rasa.__file__).parent / "engine" / "recipes" / "config_files" / "default_config.yml"
    return path.read_text().replace("placeholder_default", "net-bench-default")


def floor_files(domain: Dict[str, Any], training: bool = True) -> Dict[str, str]:
    """The floor project: the same intents and training examples, one response per intent."""
    intents = [i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]]
    floor_domain = {
        "version": "3.1",
        "session_config": domain.get("session_config", {}),
        "intents": intents,
        "responses": {**{f"utter_floor_{i}": [{"text": f"(floor answer to {i})"}]
                         for i in intents},
                      # what Rasa's fallback says when no keyword matches
                      "utter_default": [{"text": "(floor: not understood)"}]},
    }
    rules = {"version": "3.1", "rules": [
        {"rule": f"floor {i}", "steps": [{"intent": i}, {"action": f"utter_floor_{i}"}]}
        for i in intents]}
    config = {"recipe": "default.v1", "assistant_id": "net-bench-floor", "language": "en",
              "pipeline": [{"name": "WhitespaceTokenizer"}, {"name": "KeywordIntentClassifier"}],
              "policies": [{"name": "RulePolicy"}]}
    serving = {
        "endpoints.yml": "# in-memory tracker store, no action server\ntracker_store: null\n",
        "credentials.yml": "rest:\nsocketio:\n  user_message_evt: user_uttered\n"
                           "  bot_message_evt: bot_uttered\n",
    }
    if not training:
        return serving
    return {**serving, "domain.yml": yaml.safe_dump(floor_domain, sort_keys=False),
            "rules.yml": yaml.safe_dump(rules, sort_keys=False),
            "config.yml": yaml.safe_dump(config, sort_keys=False), "nlu.yml": floor_examples()}


def floor_examples(nlu_dir: Path = PROJECT_DIR / "data" / "nlu") -> str:
    """The floor's keywords: the FLOOR_KEYWORDS shortest of our training examples per intent
    that Rasa 3.6's KeywordIntentClassifier can take.

    It matches each example, unescaped, as the pattern ``\\b<text>\\b`` with ``re.search``,
    one pattern after another: with all 3,400 examples Python's cache of 512 compiled patterns
    thrashes and the classifier alone costs hundreds of milliseconds a message — no floor. It
    also fails (KeyError) when an example is found in those of two other intents ("chemo?"
    finds "chem"), so examples that do not compile or find another intent's are left out."""
    by_intent: Dict[str, List[str]] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            by_intent.setdefault(block["intent"], []).extend(
                line[2:] for line in block["examples"].splitlines() if line.startswith("- "))
    joined = {intent: "\n".join(texts) for intent, texts in by_intent.items()}
    blocks = []
    for intent, texts in by_intent.items():
        others = [text for other, text in joined.items() if other != intent]
        usable = sorted((t for t in set(texts) if _unambiguous(t, others)), key=len)
        kept = usable[:FLOOR_KEYWORDS]
        blocks.append({"intent": intent, "examples": "".join(f"- {t}\n" for t in kept)})
    return yaml.safe_dump({"version": "3.1", "nlu": blocks}, sort_keys=False, width=1000)


def _unambiguous(text: str, others: List[str]) -> bool:
    try:
        pattern = re.compile(rf"\b{text}\b", re.IGNORECASE)
    except re.error:
        return False
    return pattern.search(text) is not None and not any(pattern.search(o) for o in others)


def _project_domain() -> Dict[str, Any]:
    return yaml.safe_load((PROJECT_DIR / "domain.yml").read_text(encoding="utf-8"))


def paths(system: str) -> Dict[str, str]:
    """The ``rasa train`` inputs (config, domain, data) and serving files (endpoints,
    credentials) of a system, project-relative."""
    if system == "ours":
        return {"config": "config.yml", "domain": "domain.yml", "data": "data",
                "endpoints": "endpoints.yml", "credentials": "credentials.yml"}
    folder = str((BENCH_DIR / system).relative_to(PROJECT_DIR))
    if system == "default":
        return {"config": f"{folder}/config.yml", "domain": "domain.yml", "data": "data",
                "endpoints": "endpoints.yml", "credentials": "credentials.yml"}
    return {"config": f"{folder}/config.yml", "domain": f"{folder}/domain.yml",
            "data": f"{folder}/nlu.yml {folder}/rules.yml", "endpoints": f"{folder}/endpoints.yml",
            "credentials": f"{folder}/credentials.yml"}


def prepare(system: str, training: bool) -> Dict[str, str]:
    """Write the system's files under build/bench/<system>/ (the training files only when
    ``training``: the floor's take seconds to derive) and return :func:`paths`."""
    folder = BENCH_DIR / system
    folder.mkdir(parents=True, exist_ok=True)
    if system == "default" and training:
        (folder / "config.yml").write_text(rasa_default_config())
    if system == "floor":
        for name, text in floor_files(_project_domain(), training).items():
            (folder / name).write_text(text)
    return paths(system)


def model_fingerprint(system: str) -> str:
    """The project's training inputs, the system, and how this module derives its files."""
    digest = hashlib.sha256(f"{fingerprint()} {system} {DERIVATION}".encode())
    if system == "default":
        digest.update(rasa_default_config().encode())
    return digest.hexdigest()[:16]


def cached_model(system: str) -> Path:
    return MODELS_DIR / f"{system}-{model_fingerprint(system)}.tar.gz"


def sidecar(model: Path) -> Path:
    return model.with_suffix("").with_suffix(".json")


def read_sidecar(model: Path) -> Dict[str, Any]:
    path = sidecar(model)
    return json.loads(path.read_text()) if path.exists() else {}


def write_sidecar(model: Path, **values: Any) -> None:
    sidecar(model).write_text(json.dumps({**read_sidecar(model), **values}, indent=1))


def train(files: Dict[str, str], out: Path, log: Any) -> float:
    """``rasa train`` into ``out`` (a .tar.gz path) from scratch; the wall time in seconds.
    Rasa's training cache (.rasa/cache) would restore unchanged components in seconds: a
    fresh, empty one is used, so the time is what a fresh clone's first training takes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as cache:
        return _timed_training(files, out, log, cache)


def _timed_training(files: Dict[str, str], out: Path, log: Any, cache: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--config", files["config"], "--domain",
         files["domain"], "--data", *files["data"].split(), "--out", str(out.parent),
         "--fixed-model-name", out.name[: -len(".tar.gz")]],
        cwd=PROJECT_DIR, check=True, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false",
             "RASA_CACHE_DIRECTORY": cache},
    )
    return time.perf_counter() - started


def load_average() -> float:
    return os.getloadavg()[0]


def trained_model(system: str, log: Any, retrain: bool = False) -> Path:
    """The system's model, trained now if not cached. Its training time is recorded when it
    is trained; a model that came from elsewhere (ours, from models/), or ``retrain``, has it
    measured by training the same inputs again into a scratch folder (the model is kept)."""
    model = cached_model(system)
    if not model.exists():
        _record_training(system, model, model, log)
    elif retrain or "training_seconds" not in read_sidecar(model):
        with tempfile.TemporaryDirectory() as scratch:
            _record_training(system, model, Path(scratch) / model.name, log)
    prepare(system, training=False)
    return model


def _record_training(system: str, model: Path, out: Path, log: Any) -> None:
    files = prepare(system, training=True)
    load = load_average()
    seconds = train(files, out, log)
    if out == model:
        sidecar(model).unlink(missing_ok=True)  # figures of an earlier model of that name
    write_sidecar(model, training_seconds=seconds, load_before=load, cpus=os.cpu_count(),
                  trained_at=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))


def copy_into_cache(system: str, model: Path) -> Path:
    """A model trained elsewhere (ours, in models/) under the benchmark's cache name, with
    no training time: it was not measured here."""
    cached = cached_model(system)
    if not cached.exists():
        MODELS_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(model, cached)
    return cached


# --------------------------------------------------------------------------- processes

def process_tree(pid: int) -> List[int]:
    """``pid`` and all its descendants (Sanic workers are children of Rasa's process)."""
    parents: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += parents.get(current, [])
    return tree


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss_mb(pid: int) -> Dict[str, float]:
    """Peak resident memory (VmHWM) of the process and, summed, of its whole tree, in MB."""
    peaks = [_status_kb(p, "VmHWM") for p in process_tree(pid)]
    return {"process": _status_kb(pid, "VmHWM") / 1024, "tree": sum(peaks) / 1024,
            "largest": max(peaks, default=0) / 1024}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process tree so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return total / ticks


def start_redis(port: int, log: Any) -> Optional[subprocess.Popen]:
    """Debian's redis-server on a loopback port, nothing kept on disk; None if not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save",
                                "", "--appendonly", "no"], stdout=log, stderr=subprocess.STDOUT)
    time.sleep(0.5)
    return process


def worker_endpoints(redis_port: int) -> str:
    """endpoints.yml plus Redis as the lock store (Rasa refuses several workers without one);
    written under build/bench, returned project-relative."""
    endpoints = yaml.safe_load((PROJECT_DIR / "endpoints.yml").read_text())
    endpoints["lock_store"] = {"type": "redis", "url": "127.0.0.1", "port": redis_port, "db": 0}
    path = BENCH_DIR / "endpoints-workers.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    return str(path.relative_to(PROJECT_DIR))
