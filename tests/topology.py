"""The scale-out topology, started for real on free local ports: PostgreSQL (tracker store),
Redis (lock store), two action servers and two Rasa servers, nginx in front of both pairs.

Clients talk to nginx; REST requests go round-robin to the Rasa servers, Socket.IO sticks to
one (``ip_hash``); the Rasa servers reach the action servers through nginx too. The Rasa servers
use ``endpoints.production.yml``, filled in from the environment as in a deployment.
`scripts/install_topology_deps.sh` installs the three Debian packages (`make test` runs it).
"""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from net_assistant.servers import Assistant, free_port

START_SECONDS = 60
# Longer than a turn takes (seconds under the 200-conversation burst), shorter than the
# channels' 45 s reply deadline (see environment()).
LOCK_LIFETIME_SECONDS = 20
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONFIG = """
daemon off;
user {user};
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  log_format upstream '$status $upstream_addr';  # the servers tried, in order
  client_body_buffer_size 1m;
  client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi; uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  upstream rasa {{ {rasa} }}
  upstream rasa_sticky {{ ip_hash; {rasa} }}
  upstream actions {{ {actions} keepalive 16; }}
  server {{
    listen 127.0.0.1:{port};
    proxy_read_timeout 120s;
    location /socket.io/ {{
      proxy_pass http://rasa_sticky;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
    }}
    # A POST is retried on the other replica when the first fails (refused, reset, closed
    # before the response header: a killed replica), which nginx does not do for POST unless
    # told (non_idempotent). Safe because Rasa stores a turn once, at its end, and the REST
    # channel stores $request_id (the same for the retry) as the user message's id: a turn the
    # dead replica had already stored is answered from the store, not taken again. Not on
    # timeout: a slow replica is still working on the turn and would store it as well.
    access_log {dir}/rasa-access.log upstream;  # which replica took each request
    location / {{
      proxy_pass http://rasa;
      proxy_set_header X-Request-ID $request_id;
      proxy_next_upstream error non_idempotent;
      proxy_next_upstream_tries 2;
    }}
  }}
  server {{
    listen 127.0.0.1:{action_port};
    proxy_read_timeout 120s;
    access_log {dir}/actions-access.log upstream;  # which action server took each call
    location / {{
      proxy_pass http://actions;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Action calls are POSTs too, retried on the other action server even after a timeout:
      # an action server keeps nothing (it returns events for Rasa to store), so a call that
      # ran twice is still applied once.
      proxy_next_upstream error timeout non_idempotent;
      proxy_next_upstream_tries 2;
    }}
  }}
}}
"""


def _postgres_binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    if not found or not found[-1]:
        raise FileNotFoundError(f"{name}: run scripts/install_topology_deps.sh")
    return str(found[-1])


def _as_postgres(command: List[str]) -> List[str]:
    """PostgreSQL refuses to run as root: run it as the packaged ``postgres`` user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command


def _wait_for_port(port: int, what: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not listen on {port}")


@dataclass
class Postgres:
    """A throwaway cluster in its own temporary directory (the ``postgres`` user must reach
    it when the tests run as root, so not under pytest's private temporary directory)."""

    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="net-pg-")))
    port: int = field(default_factory=free_port)
    process: Optional[subprocess.Popen] = None

    def initialise(self) -> None:
        if os.getuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
        subprocess.run(_as_postgres([_postgres_binary("initdb"), "-D", str(self.directory),
                                     "-A", "trust", "-U", "postgres"]),
                       check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        self.process = subprocess.Popen(_as_postgres([
            _postgres_binary("postgres"), "-D", str(self.directory), "-p", str(self.port),
            "-k", str(self.directory), "-c", "listen_addresses=127.0.0.1",
        ]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(self.port, "PostgreSQL", self.process)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            subprocess.run(_as_postgres([_postgres_binary("pg_ctl"), "stop", "-D",
                                         str(self.directory), "-m", "fast"]),
                           check=False, stdout=subprocess.DEVNULL)
            self.process.wait(timeout=30)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass
class Topology:
    """Everything running, and where clients and tests reach it."""

    postgres: Postgres
    redis: subprocess.Popen
    nginx: subprocess.Popen
    port: int  # nginx, for clients
    rasa: List[Assistant]
    actions: List[Assistant]
    workdir: Path

    def passed_to(self, upstreams: str) -> List[List[str]]:
        """Per request nginx passed to ``upstreams`` ("rasa" or "actions"): the servers
        (``host:port``) it tried, in order (more than one: retried on the next), from its log."""
        log = self.workdir / f"{upstreams}-access.log"
        lines = log.read_text().splitlines() if log.exists() else []
        return [[a.strip() for a in line.split(" ", 1)[1].split(",")] for line in lines]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def database_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.postgres.port}/rasa"

    def stop(self) -> None:
        for server in self.rasa + self.actions:
            server.stop()
        for process in (self.nginx, self.redis):
            process.terminate()
            process.wait(timeout=30)
        self.postgres.remove()


def environment(postgres: Postgres, redis_port: int, action_url: str) -> Dict[str, str]:
    """What a deployment puts in the environment for endpoints.production.yml."""
    return {
        "NET_ENDPOINTS": "endpoints.production.yml", "ACTION_SERVER_URL": action_url,
        "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(postgres.port),
        "POSTGRES_DB": "rasa", "POSTGRES_USER": "postgres", "POSTGRES_PASSWORD": "",
        "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port), "REDIS_PASSWORD": "",
        "REDIS_DB": "0", "NET_ACTION_TOKEN": "a" * 43,
        # A replica killed mid-turn leaves its ticket in Redis's lock store; the retried
        # request waits for it to expire: 60 s by default, more than the reply deadline.
        "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_SECONDS),
    }


def nginx_errors(workdir: Path) -> List[str]:
    log = workdir / "nginx-error.log"
    return log.read_text().splitlines() if log.exists() else []


def start_single_process(model: Path, workdir: Path) -> Assistant:
    """The single-process default beside a running topology, for comparison: endpoints.yml
    (SQLite, in-memory lock store), none of the topology's variables (``environment()``)."""
    topology_variables = environment(Postgres(Path("/nonexistent"), 0), 0, "").keys()
    saved = {name: os.environ.pop(name) for name in topology_variables if name in os.environ}
    try:
        single = Assistant(model, free_port(), free_port(), workdir / "single.db",
                           log=open(workdir / "single.log", "w"), endpoints="endpoints.yml")
        single.start_actions()
        single.start_rasa()
        return single
    finally:
        os.environ.update(saved)


def _terminate(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def start_topology(model: Path, workdir: Path, replicas: int = 2) -> Iterator[Topology]:
    """Start everything (a generator: stops everything when closed)."""
    with contextlib.ExitStack() as started:  # stopped again if a later start fails
        postgres = Postgres()
        started.callback(postgres.remove)
        postgres.initialise()
        postgres.start()
        subprocess.run([_postgres_binary("createdb"), "-h", "127.0.0.1", "-p",
                        str(postgres.port), "-U", "postgres", "rasa"], check=True)
        redis_port = free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind",
                                  "127.0.0.1", "--save", "", "--appendonly", "no"],
                                 stdout=subprocess.DEVNULL)
        started.callback(_terminate, redis)
        _wait_for_port(redis_port, "Redis", redis)
        port, action_port = free_port(), free_port()
        rasa_ports = [free_port() for _ in range(replicas)]
        action_ports = [free_port() for _ in range(replicas)]
        (workdir / "nginx.conf").write_text(NGINX_CONFIG.format(
            dir=workdir, port=port, action_port=action_port,
            user=pwd.getpwuid(os.getuid()).pw_name,
            rasa=" ".join(f"server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;"
                          for p in rasa_ports),
            actions=" ".join(f"server 127.0.0.1:{p};" for p in action_ports),
        ))
        nginx = subprocess.Popen([NGINX, "-c", str(workdir / "nginx.conf"), "-p", str(workdir)])
        started.callback(_terminate, nginx)
        _wait_for_port(port, "nginx", nginx)
        started.pop_all()  # from here on Topology.stop stops them
    previous = dict(os.environ)
    os.environ.update(environment(postgres, redis_port, f"http://127.0.0.1:{action_port}/webhook"))
    secret = "t" * 64  # the same on every replica, as the README says
    logs = [open(workdir / f"server-{i}.log", "w") for i in range(replicas)]
    topology = Topology(postgres, redis, nginx, port, [], [], workdir)
    try:
        for index, (rasa_port, own_action_port) in enumerate(zip(rasa_ports, action_ports)):
            actions = Assistant(model, 0, own_action_port, workdir / "unused.db",
                                log=logs[index], session_secret=secret)
            actions.start_actions()
            topology.actions.append(actions)
            # The Rasa server reaches the action servers through nginx (ACTION_SERVER_URL).
            rasa = Assistant(model, rasa_port, action_port, workdir / "unused.db",
                             log=logs[index], session_secret=secret, cors_origins=[])
            rasa.start_rasa()
            topology.rasa.append(rasa)
        yield topology
    finally:
        topology.stop()
        os.environ.clear()
        os.environ.update(previous)
        for log in logs:
            log.close()
