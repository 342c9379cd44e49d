"""Start and supervise the assistant: the action server, the Rasa server and the demo page.

Used by ``make run`` (``python -m net_assistant.servers``), ``make shell`` (``... shell``) and
by the tests, so all start the assistant the same way. From the environment (defaults in
brackets): RASA_PORT [5005], ACTION_PORT [5055], WEB_PORT [8080], TRACKER_DB [var/tracker.db],
NET_BIND_HOST [127.0.0.1] (where Rasa and the demo page listen), NET_CORS_ORIGINS [the demo
page], NET_SESSION_SECRET [kept in var/session_secret]; see README for the rest.

``make run`` supervises: a server that stops is started again (with a growing pause if it keeps
stopping); Ctrl+C, SIGTERM or SIGHUP at any moment, start-up included, stop the Rasa server
first (so it finishes the turns in flight, which may still need an action), then the action
server, then the demo page. Every server runs in its own session, so a Ctrl+C in the terminal
reaches only this supervisor, and is told by the kernel to stop if the supervisor dies.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional, Sequence, TextIO

import yaml

from net_assistant.content.loading import PROJECT_DIR
from net_assistant.model import ensure_model
from net_assistant.settings import (
    ACTION_TOKEN_VARIABLE,
    CORS_ORIGINS_VARIABLE,
    SESSION_SECRET_VARIABLE,
    Settings,
    cors_origins,
)

START_TIMEOUT_SECONDS = 180
STOP_TIMEOUT_SECONDS = 30
BIND_HOST_VARIABLE = "NET_BIND_HOST"
ENDPOINTS_VARIABLE = "NET_ENDPOINTS"
TELEMETRY_VARIABLE = "RASA_TELEMETRY_ENABLED"
DEFAULT_BIND_HOST = "127.0.0.1"
ACTIONS, RASA, WEB = "actions", "rasa", "web"
STOP_ORDER = (RASA, ACTIONS, WEB)
RESTART_PAUSE_SECONDS = (1, 2, 5, 10, 30)
STABLE_SECONDS = 60  # a server up this long has its restart pause reset
_PR_SET_PDEATHSIG = 1
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass
class Assistant:
    """Running server processes and where to reach them."""

    model: Path
    rasa_port: int
    action_port: int
    tracker_db: Path
    interface: str = DEFAULT_BIND_HOST
    log: Optional[TextIO] = None
    cors_origins: Optional[Sequence[str]] = None  # None: NET_CORS_ORIGINS or the demo page
    session_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    action_token: str = field(
        default_factory=lambda: os.environ.get(ACTION_TOKEN_VARIABLE) or secrets.token_urlsafe(32))
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    web_port: Optional[int] = None
    # Another deployment of the same servers (the benchmark's comparisons): files relative to
    # the project (endpoints: None for NET_ENDPOINTS or endpoints.yml), and variables set for
    # every server on top of the environment.
    endpoints: Optional[str] = None
    credentials: str = "credentials.yml"
    extra_environment: Dict[str, str] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return "localhost" if self.interface == "0.0.0.0" else self.interface

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def origins(self) -> List[str]:
        return list(self.cors_origins if self.cors_origins is not None
                    else cors_origins(os.environ))

    def environment(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        # Rasa's telemetry and its error reports to Rasa's Sentry stay off unless asked for.
        env.setdefault(TELEMETRY_VARIABLE, "false")
        env.setdefault(SESSION_SECRET_VARIABLE, self.session_secret)
        env[ACTION_TOKEN_VARIABLE] = self.action_token
        env.setdefault("ACTION_SERVER_URL", f"{self.action_url}/webhook")
        env["TRACKER_DB"] = str(self.tracker_db)
        env[CORS_ORIGINS_VARIABLE] = " ".join(self.origins())
        env.update(self.extra_environment)
        return env

    def spawn(self, name: str, command: List[str]) -> subprocess.Popen:
        with _signals_held():  # a stop signal now must not leave an unrecorded process
            process = subprocess.Popen(
                [sys.executable, "-m", *command], cwd=PROJECT_DIR, env=self.environment(),
                stdout=self.log, stderr=subprocess.STDOUT if self.log else None,
                start_new_session=True, preexec_fn=_in_child,
            )
            self.processes[name] = process
        return process

    def start_actions(self) -> None:
        process = self.spawn(ACTIONS, ["net_assistant.rasa_adapters.action_server",
                                       "--actions", "actions", "--port", str(self.action_port)])
        _wait_until_up(f"{self.action_url}/health", process, "The action server")

    def start_rasa(self) -> None:
        """The Rasa server with the REST and Socket.IO channels, its HTTP API off."""
        self.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        origins = self.origins()
        process = self.spawn(RASA, [
            "rasa", "run", "--model", str(self.model), "--port", str(self.rasa_port),
            "--interface", self.interface, "--endpoints", str(self.endpoints_for_run()),
            "--credentials", self.credentials, *(["--cors", *origins] if origins else []),
        ])
        _wait_until_up(f"{self.rasa_url}/", process, "The Rasa server")

    def endpoints_for_run(self) -> Path:
        """The endpoints file for this run (``endpoints``, else NET_ENDPOINTS, else
        endpoints.yml) with this run's action server and, for SQLite, its database."""
        template = PROJECT_DIR / self.endpoints if self.endpoints else endpoints_file(os.environ)
        return write_endpoints(template, f"{self.action_url}/webhook",
                               self.tracker_db, PROJECT_DIR / "build" / "endpoints"
                               / f"rasa-{self.rasa_port}.yml")

    def start_web(self, port: int) -> None:
        """The demo page (a static file server)."""
        self.web_port = port
        self.spawn(WEB, ["http.server", str(port), "--directory", "web",
                         "--bind", self.interface])

    def restart_rasa(self) -> None:
        """Stop and start the Rasa server only (conversations must survive this)."""
        self.stop_server(RASA)
        self.start_rasa()

    def restart(self, name: str) -> None:
        self.stop_server(name)
        {ACTIONS: self.start_actions, RASA: self.start_rasa,
         WEB: lambda: self.start_web(self.web_port or 0)}[name]()

    def stop(self) -> None:
        """Rasa first, so the turns it is answering can still reach the action server."""
        for name in sorted(self.processes, key=_stop_rank):
            self.stop_server(name)

    def stop_server(self, name: str) -> None:
        """Stop one server (SIGTERM; killed if it has not stopped after STOP_TIMEOUT_SECONDS)."""
        process = self.processes.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def supervise(self) -> None:
        """Restart any server that stops, until a stop signal (KeyboardInterrupt)."""
        pauses: Dict[str, int] = {}
        started = {name: time.monotonic() for name in self.processes}
        while True:
            time.sleep(1)
            for name, process in list(self.processes.items()):
                if process.poll() is None:
                    if time.monotonic() - started[name] > STABLE_SECONDS:
                        pauses[name] = 0
                    continue
                pause = RESTART_PAUSE_SECONDS[min(pauses.get(name, 0),
                                                  len(RESTART_PAUSE_SECONDS) - 1)]
                print(f"The {name} server stopped (exit code {process.returncode}); "
                      f"starting it again in {pause} s.", file=sys.stderr, flush=True)
                time.sleep(pause)
                self._restart_after_crash(name)
                pauses[name] = pauses.get(name, 0) + 1
                started[name] = time.monotonic()

    def _restart_after_crash(self, name: str) -> None:
        try:
            self.restart(name)
        except (RuntimeError, TimeoutError) as error:  # it stopped again: the loop retries
            print(f"The {name} server did not start again: {error}", file=sys.stderr)


def _stop_rank(name: str) -> int:
    return STOP_ORDER.index(name) if name in STOP_ORDER else len(STOP_ORDER)


def _in_child() -> None:
    """In a new server process, before it starts: stop signals unblocked (``spawn`` holds them
    and a child inherits that), and on Linux a SIGTERM from the kernel when the supervisor
    dies, even by SIGKILL."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Stop signals wait until the block is done (then arrive as usual)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def endpoints_file(environ: Mapping[str, str]) -> Path:
    return PROJECT_DIR / environ.get(ENDPOINTS_VARIABLE, "endpoints.yml")


def write_endpoints(template: Path, action_url: str, tracker_db: Path, target: Path) -> Path:
    """A copy of ``template`` pointing at ``action_url`` with the action server's token (read
    by Rasa from the environment, never written to disk) and, if it keeps conversations in
    SQLite, at ``tracker_db``; every other setting (and ${VAR}) stays for Rasa to read."""
    endpoints = yaml.safe_load(template.read_text(encoding="utf-8")) or {}
    action = endpoints.setdefault("action_endpoint", {})
    action["url"] = action_url
    action.setdefault("token", f"${{{ACTION_TOKEN_VARIABLE}}}")
    store = endpoints.get("tracker_store") or {}
    if str(store.get("dialect", "")).startswith("sqlite"):
        store["db"] = str(tracker_db)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return target


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
                    interface: str = DEFAULT_BIND_HOST, log: Optional[TextIO] = None,
                    **options: object) -> Assistant:
    """Train if needed, then start the action and Rasa servers; stop them with ``stop()``.
    ``options``: the other fields of :class:`Assistant` (cors_origins, session_secret)."""
    assistant = Assistant(ensure_model(), rasa_port, action_port, tracker_db, interface, log,
                          **options)  # type: ignore[arg-type]
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
             "--endpoints", str(assistant.endpoints_for_run()), "--credentials", "credentials.yml"],
            cwd=PROJECT_DIR, env=assistant.environment(), check=False,
        )
    finally:
        assistant.stop()


def persistent_secret(path: Path) -> str:
    """The session secret kept in ``path`` (made once, readable by its owner only), so widget
    sessions survive a restart of ``make run``."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip()


def _stop_on_signals() -> None:
    for number in _STOP_SIGNALS:
        signal.signal(number, signal.default_int_handler)


def _serve(port: Dict[str, int], tracker_db: Path) -> None:
    interface = os.environ.get(BIND_HOST_VARIABLE, DEFAULT_BIND_HOST)
    secret = os.environ.get(SESSION_SECRET_VARIABLE) or persistent_secret(
        PROJECT_DIR / "var" / "session_secret")
    assistant: Optional[Assistant] = None
    try:
        assistant = Assistant(ensure_model(), port["rasa"], port["action"], tracker_db,
                              interface, session_secret=secret)
        assistant.start_actions()
        assistant.start_rasa()
        assistant.start_web(port["web"])
        print(f"""
The NET treatment information assistant is running.
  Chat widget (demo page):  http://localhost:{port["web"]}/
  REST:      POST {assistant.rasa_url}/webhooks/rest/webhook  {{"sender": "me", "message": "hello"}}
  Socket.IO: {assistant.rasa_url}/socket.io
  Conversations are kept in {tracker_db}
Press Ctrl+C to stop.""", flush=True)
        assistant.supervise()
    except KeyboardInterrupt:
        print("Stopping the assistant.", file=sys.stderr, flush=True)
    finally:
        for number in _STOP_SIGNALS:  # a second Ctrl+C must not cut the orderly stop short
            signal.signal(number, signal.SIG_IGN)
        if assistant is not None:
            assistant.stop()


def main() -> None:
    _stop_on_signals()
    Settings.from_environment()  # a bad setting stops here, with its name, not in a server
    port = {name: int(os.environ.get(f"{name.upper()}_PORT", default))
            for name, default in (("rasa", 5005), ("action", 5055), ("web", 8080))}
    tracker_db = PROJECT_DIR / os.environ.get("TRACKER_DB", "var/tracker.db")
    if sys.argv[1:] == ["shell"]:
        return chat_in_terminal(port["action"], tracker_db)
    _serve(port, tracker_db)


if __name__ == "__main__":
    main()
