"""``make run``'s supervisor (net_assistant/servers.py), started as ``make run`` starts it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pytest

from net_assistant.content.loading import PROJECT_DIR
from net_assistant.servers import free_port
from tests.conftest import listening_hosts

pytestmark = pytest.mark.slow

UP_SECONDS = 240


class Supervisor:
    """``python -m net_assistant.servers`` on free ports, and its server processes."""

    def __init__(self, workdir: Path) -> None:
        self.ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(),
                      "WEB_PORT": free_port()}
        env = {**os.environ, **{name: str(port) for name, port in self.ports.items()},
               "TRACKER_DB": str(workdir / "tracker.db"), "NET_SESSION_SECRET": "s" * 64}
        self.log = open(workdir / "supervisor.log", "w")
        self.process = subprocess.Popen([sys.executable, "-m", "net_assistant.servers"],
                                        cwd=PROJECT_DIR, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.seen: Dict[int, str] = {}  # every server process ever started: pid -> command

    def servers(self) -> Dict[str, int]:
        """The running server processes by kind: actions, rasa, web."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids = [int(pid) for pid in children.read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            return {}
        found = {}
        for pid in pids:
            command = _command(pid)
            self.seen[pid] = command
            for kind, marker in (("actions", "net_assistant.rasa_adapters.action_server"),
                                 ("rasa", "rasa run"), ("web", "http.server")):
                if marker in command:
                    found[kind] = pid
        return found

    def ask(self, message: str) -> List[Dict]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.ports['RASA_PORT']}/webhooks/rest/webhook",
            data=json.dumps({"sender": f"s{time.monotonic_ns()}", "message": message}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())

    def answers(self) -> bool:
        try:
            return any((m.get("custom") or {}).get("kind") == "answer"
                       for m in self.ask("how is lanreotide given?"))
        except OSError:
            return False

    def stop(self, number: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(number)
        self.process.wait(timeout=120)
        self.log.close()

    def listening(self) -> List[int]:
        return [port for port in self.ports.values() if listening_hosts(port)]

    def alive(self) -> List[int]:
        return [pid for pid in self.seen if _is_running(pid)]


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def _is_running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return "\nState:\tZ" not in status


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds}s: {what}")


@pytest.fixture
def supervisor(trained_model: Path, tmp_path: Path) -> Iterator[Supervisor]:
    running = Supervisor(tmp_path)
    yield running
    if running.process.poll() is None:
        running.stop(signal.SIGKILL)
    for pid in running.alive():  # only ever our own servers, by their id
        os.kill(pid, signal.SIGKILL)


def test_a_crashed_server_is_started_again_and_ctrl_c_stops_rasa_first(supervisor):
    wait_until(supervisor.answers, UP_SECONDS, "the assistant answers")
    crashed = supervisor.servers()["actions"]
    os.kill(crashed, signal.SIGKILL)
    wait_until(lambda: supervisor.servers().get("actions") not in (None, crashed), 30,
               "a new action server")
    wait_until(supervisor.answers, 60, "answers again, from the new action server")

    servers = supervisor.servers()
    supervisor.process.send_signal(signal.SIGINT)
    gone: Dict[str, Optional[float]] = {"rasa": None, "actions": None}
    deadline = time.monotonic() + 120
    while None in gone.values() and time.monotonic() < deadline:
        for kind in gone:
            if gone[kind] is None and not _is_running(servers[kind]):
                gone[kind] = time.monotonic()
        time.sleep(0.02)
    supervisor.stop()
    assert gone["rasa"] is not None and gone["actions"] is not None, gone
    assert gone["rasa"] <= gone["actions"], "the action server stopped before Rasa"
    assert supervisor.process.returncode == 0
    assert not supervisor.alive() and not supervisor.listening()


@pytest.mark.parametrize("moment", ["actions", "rasa"])
def test_sigterm_during_start_up_leaves_nothing_running(supervisor, moment):
    wait_until(lambda: moment in supervisor.servers(), 120, f"the {moment} server starting")
    time.sleep(1)
    supervisor.stop(signal.SIGTERM)
    assert supervisor.seen and not supervisor.alive(), supervisor.seen
    assert not supervisor.listening()


def test_plain_rasa_run_from_the_project_root_starts_and_answers(trained_model, tmp_path):
    """`rasa run` with no variable and no option but the model (it once stopped: "set
    ACTION_SERVER_URL"), in a copy of the project root's run files so that its default database
    (var/tracker.db, relative to the root) is the copy's."""
    for name in ("config.yml", "domain.yml", "credentials.yml", "endpoints.yml"):
        (tmp_path / name).write_bytes((PROJECT_DIR / name).read_bytes())
    (tmp_path / "build").symlink_to(PROJECT_DIR / "build")  # config.yml's spaCy pipeline
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("NET_", "ACTION_", "POSTGRES_", "REDIS_", "SANIC_"))}
    env.update(PYTHONPATH=str(PROJECT_DIR), RASA_TELEMETRY_ENABLED="false")
    port = free_port()
    with open(tmp_path / "rasa.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--model", str(trained_model),
             "--port", str(port), "--interface", "127.0.0.1"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: _root_says_ok(port), UP_SECONDS, "plain rasa run answers /")
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                data=json.dumps({"sender": "plain-1", "message": "what is PRRT?"}).encode(),
                headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=120) as reply:
                messages = json.loads(reply.read())
        finally:
            process.terminate()
            process.wait(timeout=60)
    # An answer, or (no action server on localhost:5055) the polite trouble reply: not silence.
    assert any(m.get("text") for m in messages), messages
    assert (tmp_path / "var" / "tracker.db").exists()  # endpoints.yml's default store


def _root_says_ok(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
            return json.loads(reply.read()) == {"status": "ok"}
    except OSError:
        return False


def test_plain_rasa_run_actions_from_the_project_root_checks_the_token(tmp_path):
    """`rasa run actions` as the README gives it: it starts, /health answers, and with
    NET_ACTION_TOKEN set (the ``actions`` package hardens rasa_sdk's app as it is imported)
    nobody without the token can list or run actions, and a failing action does not echo the
    conversation back."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("NET_", "ACTION_", "SANIC_"))}
    token, port = "k" * 43, free_port()
    env.update(NET_ACTION_TOKEN=token, SANIC_HOST="127.0.0.1", RASA_TELEMETRY_ENABLED="false")
    with open(tmp_path / "actions.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "actions", "--port", str(port)],
            cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until(lambda: _status(f"{base}/health") == 200, UP_SECONDS,
                       "plain rasa run actions answers /health")
            refused = [_status(f"{base}/actions"), _status(f"{base}/webhook", b"{}"),
                       _status(f"{base}/webhook?token={'x' * 43}", b"{}")]
            with urllib.request.urlopen(f"{base}/actions?token={token}", timeout=30) as reply:
                names = [action["name"] for action in json.loads(reply.read())]
            failing = json.dumps({"next_action": "action_answer_treatment",
                                  "tracker": {"sender_id": "MARKER-9f3e",
                                              "latest_message": "MARKER-9f3e"}}).encode()
            failed = _reply(f"{base}/webhook?token={token}", failing)
        finally:
            process.terminate()
            process.wait(timeout=60)
    assert refused == [401, 401, 401]
    assert "action_answer_treatment" in names, names
    assert failed[0] == 500 and "MARKER-9f3e" not in failed[1]  # no conversation echoed


def _reply(url: str, body: Optional[bytes] = None) -> Tuple[int, str]:
    """The status and body of a GET (or, with ``body``, a JSON POST); (0, ""): no answer."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def _status(url: str, body: Optional[bytes] = None) -> int:
    return _reply(url, body)[0]


def test_plain_rasa_shell_with_rasa_run_actions_beside_it_answers_a_piped_message(
        trained_model, tmp_path):
    """The README's two terminals: `rasa run actions` from the project root and `rasa shell`
    (in a copy of the root's run files, so its database is the copy's, and the copy's
    endpoints.yml pointing at this test's action port instead of 5055)."""
    for name in ("config.yml", "domain.yml", "credentials.yml", "endpoints.yml"):
        (tmp_path / name).write_bytes((PROJECT_DIR / name).read_bytes())
    (tmp_path / "build").symlink_to(PROJECT_DIR / "build")  # config.yml's spaCy pipeline
    action_port = free_port()
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(endpoints.read_text().replace(
        "localhost:5055", f"localhost:{action_port}"))
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("NET_", "ACTION_", "POSTGRES_", "REDIS_", "SANIC_"))}
    env.update(PYTHONPATH=str(PROJECT_DIR), RASA_TELEMETRY_ENABLED="false")
    with open(tmp_path / "actions.log", "w") as log:
        actions = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "actions", "--port", str(action_port)],
            cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: _status(f"http://127.0.0.1:{action_port}/health") == 200,
                       UP_SECONDS, "rasa run actions answers /health")
            shell = subprocess.run(
                [sys.executable, "-m", "rasa", "shell", "--model", str(trained_model),
                 "--port", str(free_port())],
                cwd=tmp_path, env=env, input="what is PRRT?\n/stop\n", capture_output=True,
                text=True, timeout=UP_SECONDS)
        finally:
            actions.terminate()
            actions.wait(timeout=60)
    assert shell.returncode == 0, shell.stderr[-2000:]
    assert "radionuclide" in shell.stdout.lower(), shell.stdout[-2000:]
