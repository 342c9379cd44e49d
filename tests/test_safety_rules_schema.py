"""The schema of content/safety_rules.yml (net_assistant.content.safety_rules) and what only code
checks (net_assistant.safety.rules): problems said as "file: entry: message", no spaCy needed."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Dict, get_args

import pytest
import yaml

from net_assistant.content.loading import ContentError
from net_assistant.content.safety_rules import Category
from net_assistant.safety.rules import CATEGORIES, parse_safety_rules

PATH = Path("content/safety_rules.yml")
RULES = """
    word_lists:
      person: [i, we]
      people: [$person, they]
    rules:
      - id: demo_rule
        category: personal
        description: >-
          Asking what they
          should do.
        patterns:
          - [{LOWER: should}, {LOWER: {IN: $people}}]
        examples_match: [should I]
        examples_no_match: [" hello "]
"""


def data(text: str = RULES) -> Dict[str, Any]:
    return yaml.safe_load(textwrap.dedent(text))


def problem(text: str) -> str:
    with pytest.raises(ContentError) as error:
        parse_safety_rules(data(text), PATH)
    return str(error.value)


def test_the_priority_order_names_the_schemas_categories() -> None:
    assert sorted(CATEGORIES) == sorted(get_args(Category))


def test_a_valid_file_is_read_with_its_word_lists_spelled_out() -> None:
    rule, = parse_safety_rules(data(), PATH).rules
    assert rule.patterns == ([{"LOWER": "should"}, {"LOWER": {"IN": ["i", "we", "they"]}}],)
    assert rule.description == "Asking what they should do."
    assert rule.vocabulary == {"should", "i", "we", "they"}
    assert rule.exceptions == () and not rule.context_only


@pytest.mark.parametrize("old,new,expected", [
    ("category: personal", "category: urgent",
     "rules[0] (demo_rule).category: must be one of: emergency, personal, support, centre"),
    ("id: demo_rule", "id: Demo-Rule", "rules[0] (Demo-Rule).id: needs an id in snake_case"),
    ("    rules:", "    rulez: []\n    rules:", "rulez: is not a known key (a typo?)"),
    ("examples_match: [should I]", "examples_match: [should I]\n        context_only: true\n"
     "        needs_medical_context: false", "rules[0] (demo_rule).context_only: only personal"),
    ("examples_match: [should I]", "examples_match: [should I]\n        context_when_stated: true\n"
     "        needs_medical_context: false",
     "rules[0] (demo_rule).context_when_stated: only personal rules can be context_when_stated"),
    ("person: [i, we]", "person: [i, We]", "word_lists: 'person': 'We' must be lower case"),
    ("$people}", "[should, $nobody]}", "rule 'demo_rule' pattern #1: unknown word list '$nobody'"),
])
def test_problems_name_the_file_and_the_entry(old: str, new: str, expected: str) -> None:
    text = RULES.replace(old, new)
    if "context_" in expected:
        text = text.replace("category: personal", "category: emergency")
    assert text != RULES
    message = problem(text)
    assert message.startswith(f"{PATH}: ") and expected in message


def test_a_rule_needing_context_names_itself_when_there_is_none() -> None:
    text = RULES.replace("category: personal", "category: personal\n        "
                                               "needs_medical_context: true")
    assert "rules ['demo_rule'] need medical context" in problem(text)
