"""Start the assistant: the action server, the Rasa server and the demo page's web server.

Used by ``make run`` (``python -m net_assistant.servers``), ``make shell`` (``... shell``) and
by the tests, so all start the assistant the same way. Ports and the tracker database come from the environment:
RASA_PORT [5005], ACTION_PORT [5055], WEB_PORT [8080], TRACKER_DB [var/tracker.db].
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, TextIO

from net_assistant.content import PROJECT_DIR
from net_assistant.model import ensure_model

START_TIMEOUT_SECONDS = 180


@dataclass
class Assistant:
    """Running server processes and where to reach them."""

    model: Path
    rasa_port: int
    action_port: int
    tracker_db: Path
    interface: str = "0.0.0.0"
    log: Optional[TextIO] = None
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def host(self) -> str:
        return "localhost" if self.interface == "0.0.0.0" else self.interface

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def environment(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        env["ACTION_SERVER_URL"] = f"{self.action_url}/webhook"
        env["TRACKER_DB"] = str(self.tracker_db)
        return env

    def spawn(self, command: List[str]) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", *command], cwd=PROJECT_DIR, env=self.environment(),
            stdout=self.log, stderr=subprocess.STDOUT if self.log else None,
        )
        self.processes.append(process)
        return process

    def start_actions(self) -> None:
        process = self.spawn(["rasa_sdk", "--actions", "actions", "--port", str(self.action_port)])
        _wait_until_up(f"{self.action_url}/health", process, "The action server")

    def start_rasa(self) -> None:
        """Start the Rasa server with the REST and Socket.IO channels (last process)."""
        self.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        process = self.spawn(
            ["rasa", "run", "--model", str(self.model), "--port", str(self.rasa_port),
             "--interface", self.interface, "--endpoints", "endpoints.yml",
             "--credentials", "credentials.yml", "--cors", "*"]
        )
        _wait_until_up(f"http://127.0.0.1:{self.rasa_port}/", process, "The Rasa server")

    def restart_rasa(self) -> None:
        """Stop and start the Rasa server only (conversations must survive this)."""
        rasa = self.processes.pop()
        rasa.send_signal(signal.SIGTERM)
        rasa.wait(timeout=60)
        self.start_rasa()

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{what} did not answer at {url} within {START_TIMEOUT_SECONDS}s")


def start_assistant(rasa_port: int, action_port: int, tracker_db: Path,
                    interface: str = "0.0.0.0", log: Optional[TextIO] = None) -> Assistant:
    """Train if needed, then start the action and Rasa servers; stop them with ``stop()``."""
    assistant = Assistant(ensure_model(), rasa_port, action_port, tracker_db, interface, log)
    try:
        assistant.start_actions()
        assistant.start_rasa()
    except BaseException:
        assistant.stop()
        raise
    return assistant


def chat_in_terminal(action_port: int, tracker_db: Path) -> None:
    """`rasa shell` against the real action server, for a quick chat in the terminal."""
    assistant = Assistant(ensure_model(), 0, action_port, tracker_db)
    try:
        assistant.start_actions()
        subprocess.run(
            [sys.executable, "-m", "rasa", "shell", "--model", str(assistant.model),
             "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
            cwd=PROJECT_DIR, env=assistant.environment(), check=False,
        )
    finally:
        assistant.stop()


def main() -> None:
    port = {name: int(os.environ.get(f"{name.upper()}_PORT", default))
            for name, default in (("rasa", 5005), ("action", 5055), ("web", 8080))}
    tracker_db = PROJECT_DIR / os.environ.get("TRACKER_DB", "var/tracker.db")
    if sys.argv[1:] == ["shell"]:
        return chat_in_terminal(port["action"], tracker_db)
    assistant = start_assistant(port["rasa"], port["action"], tracker_db)
    assistant.spawn(["http.server", str(port["web"]), "--directory", "web"])
    print(f"""
The NET treatment information assistant is running.
  Chat widget (demo page):  http://localhost:{port["web"]}/
  REST:      POST {assistant.rasa_url}/webhooks/rest/webhook  {{"sender": "me", "message": "hello"}}
  Socket.IO: {assistant.rasa_url}/socket.io
  Conversations are kept in {tracker_db}
Press Ctrl+C to stop.""", flush=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop the servers on TERM too
    try:
        while all(process.poll() is None for process in assistant.processes):
            time.sleep(1)
        print("A server stopped unexpectedly; stopping the others.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        assistant.stop()


if __name__ == "__main__":
    main()
