"""Rasa's own consistency checks over domain, rules and training data must be clean."""
import re
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
UNUSED_RESPONSE = re.compile(r"UserWarning: The utterance '(\w+)' is not used in any story or rule")
# Responses Rasa's built-in actions utter by name (two-stage fallback, forms).
USED_BY_RASA = {"utter_default", "utter_ask_rephrase", "utter_ask_country"}


def test_rasa_data_validate_has_no_warnings_but_responses_our_actions_use():
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings"],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]

    # Rasa reports responses that only custom actions utter as "not used"; each such
    # response must really be uttered by an action, and there must be no other warning.
    # The citation formatter and the channels fill in or say some responses themselves.
    actions_code = "".join(path.read_text() for path in (
        *(PROJECT_DIR / "actions").glob("*.py"),
        PROJECT_DIR / "net_assistant" / "knowledge" / "citations.py",
        PROJECT_DIR / "net_assistant" / "rasa_adapters" / "channels.py"))
    for name in UNUSED_RESPONSE.findall(output):
        assert f'"{name}"' in actions_code or name in USED_BY_RASA, f"{name} is never uttered"
    other_warnings = [line for line in output.splitlines()
                      if "UserWarning" in line and not UNUSED_RESPONSE.search(line)]
    assert not other_warnings, other_warnings
