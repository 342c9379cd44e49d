"""Response-time benchmark over the REST channel (``make bench``).

Starts the real servers on local ports, then sends a fixed mix of patient messages, one
conversation at a time and then several at once, and prints latency percentiles and
throughput. Figures depend on the machine: say which when you quote them.
"""
from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List

from net_assistant.servers import free_port, start_assistant

MESSAGES = [
    "hello", "what is PRRT?", "how is it given?", "what are the treatment options for NETs",
    "should I stop my lanreotide?", "is surgery used when the tumour has spread",
    "are there support groups?", "skip", "what's the weather like", "thanks, bye",
]
CONVERSATIONS = 20
CONCURRENCY = 4


def _post(url: str, sender: str, message: str) -> float:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return time.perf_counter() - started


def _conversation(url: str, sender: str) -> List[float]:
    return [_post(url, sender, message) for message in MESSAGES]


def _summary(label: str, latencies: List[float], wall: float) -> str:
    ms = sorted(1000 * latency for latency in latencies)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    return (f"{label:<22} n={len(ms):<4} p50={statistics.median(ms):6.1f} ms  "
            f"p95={p95:6.1f} ms  max={ms[-1]:6.1f} ms  {len(ms) / wall:5.1f} msg/s")


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir, open(Path(workdir) / "log", "w") as log:
        assistant = start_assistant(free_port(), free_port(), Path(workdir) / "tracker.db",
                                    interface="127.0.0.1", log=log)
        url = f"{assistant.rasa_url}/webhooks/rest/webhook"
        try:
            _conversation(url, "warm-up")
            started = time.perf_counter()
            sequential = [t for i in range(CONVERSATIONS) for t in _conversation(url, f"s{i}")]
            print(_summary("one at a time", sequential, time.perf_counter() - started))
            started = time.perf_counter()
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                runs = list(pool.map(lambda i: _conversation(url, f"c{i}"), range(CONVERSATIONS)))
            concurrent = [t for run in runs for t in run]
            print(_summary(f"{CONCURRENCY} conversations at once", concurrent,
                           time.perf_counter() - started))
            print(f"machine: {os.cpu_count()} CPUs; SQLite tracker store; "
                  f"{len(MESSAGES)} messages per conversation")
        finally:
            assistant.stop()


if __name__ == "__main__":
    main()
