"""Rasa's conversation tests (tests/stories/*.yml) against the trained model."""
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_conversation_stories_pass(trained_model, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "test", "core", "--model", str(trained_model),
         "--stories", "tests/stories", "--out", str(tmp_path), "--fail-on-prediction-errors"],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, details
