"""The evaluation sets, read into one shape: what was said, and what the person should see.

Five sets, written by different people and never trained on:

- ``tests/heldout/``: Rasa NLU files labelled with intents (the first held-out set);
- ``tests/heldout_e2e/``: messages labelled with intent, kind, topic and passage ids, plus
  multi-turn dialogues as Rasa test stories (the second held-out set, by a new author);
- ``tests/heldout_third/``: the same form, by a third author, written after the second set had
  been used (in aggregate) to improve the assistant;
- ``tests/heldout_fourth/``: the same form, by a fourth author, written after the third set had
  been used (in aggregate);
- ``tests/real_questions/``: questions real patients and carers wrote on public pages.

Each message becomes a :class:`Case` whose :class:`Expected` says what a right answer looks
like from the outside: its ``kind`` (answer, escalation, emergency, support, fallback,
smalltalk) and, for an answer, its topic and the passages that would answer it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import yaml

from net_assistant.content.loading import PROJECT_DIR
from net_assistant.contract import FOLLOW_UP

TESTS_DIR = PROJECT_DIR / "tests"
FIRST_SET_DIR = TESTS_DIR / "heldout"
SECOND_SET_DIR = TESTS_DIR / "heldout_e2e"
THIRD_SET_DIR = TESTS_DIR / "heldout_third"
FOURTH_SET_DIR = TESTS_DIR / "heldout_fourth"
PAGES_SET_DIR = TESTS_DIR / "heldout_real_pages"
# The sets in the second set's form (messages.yml with passages, test_dialogues.yml), by name.
LABELLED_SET_DIRS = {"second": SECOND_SET_DIR, "third": THIRD_SET_DIR, "fourth": FOURTH_SET_DIR,
                     "pages": PAGES_SET_DIR}
REAL_QUESTIONS_FILE = TESTS_DIR / "real_questions" / "questions.jsonl"
# Named test_*.yml so that `rasa test` runs the dialogues as test stories too.
DIALOGUES_FILE = "test_dialogues.yml"

ANSWER = "answer"
ESCALATION = "escalation"
EMERGENCY = "emergency"
SUPPORT = "support"
FALLBACK = "fallback"
SMALLTALK = "smalltalk"

# Categories whose messages are general questions (with or without personal context): the
# false-escalation figure counts how many of them were sent to the doctor anyway.
GENERAL_CATEGORIES = ("treatment", "context", "lookalike")

KIND_FOR_INTENT = {
    "personal_medical_question": ESCALATION,
    "emergency": EMERGENCY,
    "ask_support_groups": SUPPORT,
    "ask_specialist_centre": SUPPORT,
    "express_distress": SUPPORT,
    "inform_country": SUPPORT,
    "out_of_scope": FALLBACK,
    "other_language": FALLBACK,
    "greet": SMALLTALK,
    "goodbye": SMALLTALK,
    "thank": SMALLTALK,
    "bot_challenge": SMALLTALK,
}
# What the person sees after each action a Rasa test story expects.
KIND_FOR_ACTION = {
    "action_answer_treatment": ANSWER,
    "action_escalate_to_doctor": ESCALATION,
    "action_emergency": EMERGENCY,
    "country_form": SUPPORT,
    "action_list_support": SUPPORT,
    "action_specialist_centre": SUPPORT,
    "action_offer_support": SUPPORT,
    "action_other_language": FALLBACK,
}
CATEGORY_FOR_KIND = {
    ANSWER: "treatment", ESCALATION: "personal", EMERGENCY: "emergency", SUPPORT: "support",
    FALLBACK: "out_of_scope", SMALLTALK: "smalltalk",
}
# The first set's files and the category of their messages.
FIRST_SET_CATEGORIES = {
    "treatments": "treatment",
    "general_lookalikes": "lookalike",
    "personal": "personal",
    "emergency": "emergency",
    "out_of_scope": "out_of_scope",
    "smalltalk": "smalltalk",
    "support": "support",
}
# Labels of the real questions, as this project names them.
REAL_LABELS = {
    "personal": "personal_medical_question",
    "emergency": "emergency",
    "support_groups": "ask_support_groups",
    "out_of_scope": "out_of_scope",
    "treatments_in_development": "treatments_under_development",
}


@dataclass(frozen=True)
class Expected:
    """What a right answer looks like: its kind, and for an answer its topic and passages."""

    kind: str
    topics: Tuple[str, ...] = ()
    passages: Tuple[str, ...] = ()
    not_covered: Optional[str] = None

    def is_met_by(self, metadata: Mapping[str, Any]) -> bool:
        """True when the answer's metadata shows what the person should have seen.

        A personal question answered with the emergency instruction is still sent to the right
        people, so it counts as escalated.
        """
        kind = metadata.get("kind")
        if self.kind == ESCALATION:
            return kind in (ESCALATION, EMERGENCY)
        if self.kind == ANSWER:
            return kind == ANSWER and (not self.topics or metadata.get("topic") in self.topics)
        return kind == self.kind


@dataclass(frozen=True)
class Case:
    """One message sent as the first message of a new conversation."""

    set: str
    category: str
    text: str
    intent: Optional[str]
    expected: Optional[Expected]  # None: no right answer without context (a lone follow-up)


@dataclass(frozen=True)
class Turn:
    text: str
    intent: Optional[str]
    expected: Expected


@dataclass(frozen=True)
class Dialogue:
    set: str
    name: str
    turns: Tuple[Turn, ...]


def expected_for_intent(intent: str) -> Optional[Expected]:
    """The answer a message with this intent should get as the first of a conversation."""
    if intent == FOLLOW_UP:
        return None
    if intent.startswith("ask_") and intent not in KIND_FOR_INTENT:
        return Expected(ANSWER, topics=(intent[len("ask_"):],))
    return Expected(KIND_FOR_INTENT[intent])


def first_set(directory: Path = FIRST_SET_DIR) -> List[Case]:
    cases = []
    for path in sorted(directory.glob("*.yml")):
        category = FIRST_SET_CATEGORIES[path.stem]
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for text in _examples(block["examples"]):
                cases.append(Case("first", category, text, block["intent"],
                                  expected_for_intent(block["intent"])))
    return cases


def _examples(block: str) -> List[str]:
    return [line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")]


def labelled_set(name: str, directory: Optional[Path] = None) -> List[Case]:
    """The messages of a set in the second set's form (see tests/heldout_e2e/README.md).

    ``directory`` reads a set kept elsewhere (a development set, which may be tuned on).
    """
    path = (directory or LABELLED_SET_DIRS[name]) / "messages.yml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    return [
        Case(name, entry["category"], str(entry["text"]), entry["intent"], Expected(
            entry["kind"],
            topics=(entry["topic"],) if entry.get("topic") else (),
            passages=tuple(entry.get("passages") or ()),
            not_covered=entry.get("not_covered"),
        ))
        for entry in entries
    ]


def labelled_dialogues(name: str, directory: Optional[Path] = None) -> List[Dialogue]:
    """The multi-turn Rasa test stories of a set in the second set's form."""
    path = (directory or LABELLED_SET_DIRS[name]) / DIALOGUES_FILE
    if not path.exists():
        return []
    stories = yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]
    return [Dialogue(name, story["story"], tuple(_turns(story["steps"]))) for story in stories]


def _turns(steps: Iterable[Dict[str, Any]]) -> Iterable[Turn]:
    """Each user step with the kind (and topic) that the story's next steps imply."""
    steps = list(steps)
    for index, step in enumerate(steps):
        if "user" not in step:
            continue
        following = []
        for later in steps[index + 1:]:
            if "user" in later:
                break
            following.append(later)
        yield Turn(str(step["user"]).strip(), step.get("intent"), _expected_from(following, step))


def _expected_from(steps: List[Dict[str, Any]], user_step: Dict[str, Any]) -> Expected:
    actions = [step["action"] for step in steps if "action" in step]
    topics = tuple(
        slot["topic"] for step in steps for slot in step.get("slot_was_set") or []
        if isinstance(slot, dict) and slot.get("topic")
    )
    kinds = [KIND_FOR_ACTION[action] for action in actions if action in KIND_FOR_ACTION]
    if kinds:
        return Expected(kinds[-1], topics=topics if kinds[-1] == ANSWER else ())
    return expected_for_intent(user_step.get("intent") or "out_of_scope") or Expected(FALLBACK)


def real_questions(path: Path = REAL_QUESTIONS_FILE) -> List[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        label = REAL_LABELS.get(entry["label"], entry["label"])
        if label in KIND_FOR_INTENT:
            intent, expected = label, Expected(KIND_FOR_INTENT[label])
        else:
            also = tuple(REAL_LABELS.get(other, other) for other in entry.get("also", []))
            intent, expected = f"ask_{label}", Expected(ANSWER, topics=(label, *also))
        cases.append(Case("real", CATEGORY_FOR_KIND[expected.kind], entry["text"], intent, expected))
    return cases
