"""The endpoint files: plain Rasa commands work with the default one as it is, `make run`
points a copy at its own servers, and the production one takes everything from the
environment."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.core.utils import AvailableEndpoints

from net_assistant.content.loading import PROJECT_DIR
from net_assistant.servers import endpoints_file, write_endpoints

PRODUCTION = {
    "ACTION_SERVER_URL": "http://actions:5055/webhook", "POSTGRES_HOST": "db",
    "POSTGRES_PORT": "5432", "POSTGRES_DB": "rasa", "POSTGRES_USER": "rasa",
    "POSTGRES_PASSWORD": "secret", "REDIS_HOST": "redis", "REDIS_PORT": "6379",
    "REDIS_PASSWORD": "secret", "REDIS_DB": "1", "NET_ACTION_TOKEN": "shared-secret",
}


def test_plain_rasa_reads_the_default_endpoints_without_any_variable(monkeypatch) -> None:
    for name in PRODUCTION:
        monkeypatch.delenv(name, raising=False)
    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_DIR / "endpoints.yml"))
    assert endpoints.action.url == "http://localhost:5055/webhook"
    assert endpoints.tracker_store.kwargs["dialect"] == "sqlite"
    assert endpoints.lock_store is None  # one process: Rasa's in-memory lock store


def test_a_run_gets_its_own_action_server_and_database(tmp_path: Path) -> None:
    written = write_endpoints(PROJECT_DIR / "endpoints.yml", "http://127.0.0.1:6001/webhook",
                              tmp_path / "t.db", tmp_path / "endpoints.yml")
    endpoints = yaml.safe_load(written.read_text())
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:6001/webhook"
    assert endpoints["action_endpoint"]["token"] == "${NET_ACTION_TOKEN}"  # not the secret
    assert endpoints["tracker_store"]["db"] == str(tmp_path / "t.db")


def test_production_takes_postgres_and_redis_from_the_environment(
        tmp_path: Path, monkeypatch) -> None:
    template = endpoints_file({"NET_ENDPOINTS": "endpoints.production.yml"})
    written = write_endpoints(template, "http://127.0.0.1:6001/webhook", tmp_path / "unused.db",
                              tmp_path / "endpoints.yml")
    assert "${POSTGRES_PASSWORD}" in written.read_text()  # never written to disk
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    endpoints = AvailableEndpoints.read_endpoints(str(written))
    assert endpoints.tracker_store.kwargs["dialect"] == "postgresql"
    assert endpoints.tracker_store.kwargs["password"] == "secret"
    assert endpoints.lock_store.type == "redis"
    assert endpoints.action.token == "shared-secret"
    monkeypatch.delenv("POSTGRES_PASSWORD")
    with pytest.raises(Exception, match="POSTGRES_PASSWORD"):
        AvailableEndpoints.read_endpoints(str(written))


def test_rasa_telemetry_and_error_reports_stay_off(monkeypatch, tmp_path: Path) -> None:
    from net_assistant.servers import Assistant

    monkeypatch.delenv("RASA_TELEMETRY_ENABLED", raising=False)
    assistant = Assistant(tmp_path / "model.tar.gz", 5005, 5055, tmp_path / "t.db")
    assert assistant.environment()["RASA_TELEMETRY_ENABLED"] == "false"
    monkeypatch.setenv("RASA_TELEMETRY_ENABLED", "true")  # a deployment may choose otherwise
    assert assistant.environment()["RASA_TELEMETRY_ENABLED"] == "true"


def test_make_runs_session_secret_is_made_once_and_readable_by_its_owner_only(
        tmp_path: Path) -> None:
    from net_assistant.servers import persistent_secret

    path = tmp_path / "var" / "session_secret"
    secret = persistent_secret(path)
    assert len(secret) >= 32 and persistent_secret(path) == secret  # kept across restarts
    assert path.stat().st_mode & 0o777 == 0o600
