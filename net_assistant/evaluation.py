"""End-to-end evaluation on the held-out sets (``make eval``).

Every message goes through the trained model (NLU, safety layer, policies) and the real action
server, as the first message of a new conversation; every dialogue turn by turn. What is judged
is what the person sees: the kind of answer, its topic and the passages it quotes, not only the
classifier's label. The sets are described in :mod:`net_assistant.heldout`; none is ever used
for training, and only their per-category figures may guide changes.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set

from net_assistant.content.loading import PROJECT_DIR
from net_assistant.contract import SAFETY_RULE_KEY
from net_assistant.heldout import (
    ANSWER,
    EMERGENCY,
    ESCALATION,
    FALLBACK,
    GENERAL_CATEGORIES,
    LABELLED_SET_DIRS,
    Case,
    Dialogue,
    Expected,
    first_set,
    labelled_dialogues,
    labelled_set,
    real_questions,
)

COUNTS = {"messages", "dialogues", "left_out_as_training"}  # figures that are counts
# Targets (issue #9), the same for every set. "at most" figures are listed in AT_MOST.
TARGETS = {
    "answer_accuracy": 0.95,
    "passage_accuracy": 0.90,
    "not_covered_on_answerable": 0.02,
    "personal_recall": 1.0,
    "false_escalation": 0.02,
    "emergency_recall": 1.0,
    "out_of_scope_rejection": 0.95,
    "dialogue_success": 0.95,
}
AT_MOST = {"not_covered_on_answerable", "false_escalation"}


@dataclass(frozen=True)
class Outcome:
    """What the assistant did with one case: its intent and the metadata of its last answer."""

    case: Case
    intent: Optional[str]
    metadata: Dict[str, Any]
    safety_rule: Optional[str] = None

    @property
    def right(self) -> bool:
        return self.case.expected is not None and self.case.expected.is_met_by(self.metadata)

    @property
    def passage_right(self) -> bool:
        answered = set(self.metadata.get("passages") or ())
        expected = self.case.expected
        return expected is not None and self.right and bool(answered & set(expected.passages))


@dataclass(frozen=True)
class DialogueOutcome:
    dialogue: Dialogue
    said: List[Dict[str, Any]] = field(default_factory=list)  # per turn: metadata, intent, rule

    @property
    def turns(self) -> List[Dict[str, Any]]:
        """The metadata of each turn's last answer."""
        return [said["metadata"] for said in self.said]

    @property
    def right(self) -> bool:
        return all(t.expected.is_met_by(m) for t, m in zip(self.dialogue.turns, self.turns))


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def training_texts(nlu_dir: Path = PROJECT_DIR / "data" / "nlu") -> Set[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return {_normalised(m.get("text")) for m in load_data(str(nlu_dir)).intent_examples}


def unseen(cases: Sequence[Case], training: Set[str]) -> List[Case]:
    """The cases whose text is not also a training example: every figure is about messages
    the model never saw (short ones, "hello", were sometimes written identically)."""
    return [case for case in cases if _normalised(case.text) not in training]


class Conversations:
    """The trained assistant in this process, with the real action server behind it."""

    def __init__(self, agent: Any) -> None:
        self.agent = agent

    async def say(self, sender: str, text: str) -> Dict[str, Any]:
        """The metadata of the last answer to ``text``, with the intent the NLU gave it."""
        messages = await self.agent.handle_text(text, sender_id=sender)
        custom = [m["custom"] for m in messages or [] if isinstance(m.get("custom"), dict)]
        tracker = await self.agent.tracker_store.retrieve(sender)
        parsed = tracker.latest_message.parse_data if tracker else {}
        return {
            "metadata": custom[-1] if custom else {"kind": None},
            "intent": (parsed.get("intent") or {}).get("name"),
            "safety_rule": (parsed.get(SAFETY_RULE_KEY) or {}).get("rule_id"),
        }

    async def run_case(self, case: Case) -> Outcome:
        said = await self.say(f"eval-{uuid.uuid4().hex}", case.text)
        return Outcome(case, said["intent"], said["metadata"], said["safety_rule"])

    async def run_dialogue(self, dialogue: Dialogue) -> DialogueOutcome:
        sender = f"eval-{uuid.uuid4().hex}"
        outcome = DialogueOutcome(dialogue)
        for turn in dialogue.turns:
            outcome.said.append(await self.say(sender, turn.text))
        return outcome


def _share(hits: Iterable[bool]) -> Optional[float]:
    hits = list(hits)
    return sum(hits) / len(hits) if hits else None


def _expected(outcome: Outcome) -> Expected:
    """What a judged outcome should have shown (unjudged ones are left out before this)."""
    assert outcome.case.expected is not None
    return outcome.case.expected


def figures(outcomes: Sequence[Outcome], dialogues: Sequence[DialogueOutcome] = ()) -> Dict:
    """The figures issue #9 asks for, over one set."""
    judged = [o for o in outcomes if o.case.expected is not None]

    def of(*categories: str) -> List[Outcome]:
        return [o for o in judged if o.case.category in categories]

    answerable = [o for o in judged if _expected(o).kind == ANSWER]
    # Only a set labelled with passages says which questions the sources answer.
    covered = [o for o in answerable if _expected(o).passages and not _expected(o).not_covered]
    return {
        "messages": len(outcomes),
        "intent_accuracy": _share(
            o.intent == o.case.intent for o in outcomes if o.case.intent != "other_language"
        ),
        "answer_accuracy": _share(o.right for o in judged),
        "treatment_answer_accuracy": _share(o.right for o in answerable),
        "passage_accuracy": _share(o.passage_right for o in answerable if _expected(o).passages),
        "not_covered_on_answerable": _share(_says_not_covered(o.metadata) for o in covered),
        "personal_recall": _share(o.right for o in of("personal")),
        "false_escalation": _share(
            o.metadata.get("kind") in (ESCALATION, EMERGENCY) for o in of(*GENERAL_CATEGORIES)
        ),
        "emergency_recall": _share(o.metadata.get("kind") == EMERGENCY for o in of("emergency")),
        "out_of_scope_rejection": _share(
            o.metadata.get("kind") == FALLBACK for o in of("out_of_scope", "other_language")
        ),
        "dialogues": len(dialogues),
        "dialogue_success": _share(d.right for d in dialogues),
    }


def _says_not_covered(metadata: Mapping[str, Any]) -> bool:
    return bool(metadata.get("not_covered"))


def meets_target(name: str, value: Optional[float]) -> bool:
    if value is None:
        return True
    return value <= TARGETS[name] if name in AT_MOST else value >= TARGETS[name]


def missed_targets(results: Mapping[str, Any]) -> Dict[str, float]:
    return {name: results[name] for name in TARGETS if not meets_target(name, results.get(name))}


def report(name: str, results: Mapping[str, Any], outcomes: Sequence[Outcome],
           dialogues: Sequence[DialogueOutcome] = ()) -> str:
    lines = [f"== {name}", f"{'figure':<28}{'value':>8}  target"]
    for figure, value in results.items():
        if figure in COUNTS or value is None:
            lines.append(f"{figure:<28}{'n/a' if value is None else value:>8}")
            continue
        target = ""
        if figure in TARGETS:
            sign = "<=" if figure in AT_MOST else ">="
            verdict = "ok" if meets_target(figure, value) else "MISSED"
            target = f"{sign} {TARGETS[figure]:.0%}  {verdict}"
        lines.append(f"{figure:<28}{value:>8.1%}  {target}")
    misses = Counter(
        (o.case.category, _shown(o.case.expected.kind, o.case.expected.topics),
         _shown(o.metadata.get("kind"), [o.metadata.get("topic")]))
        for o in outcomes if o.case.expected is not None and not o.right
    )
    if misses:
        lines.append("misses per category (expected -> seen):")
        lines += [f"  {n:>3}  [{c}] {e} -> {s}" for (c, e, s), n in misses.most_common(15)]
    turns = Counter(
        (_shown(t.expected.kind, t.expected.topics), _shown(m.get("kind"), [m.get("topic")]))
        for d in dialogues for t, m in zip(d.dialogue.turns, d.turns) if not t.expected.is_met_by(m)
    )
    if turns:
        lines.append("dialogue turns missed (expected -> seen):")
        lines += [f"  {n:>3}  {e} -> {s}" for (e, s), n in turns.most_common(10)]
    return "\n".join(lines)


def _shown(kind: Optional[str], topics: Iterable[Optional[str]]) -> str:
    named = [t for t in topics if t]
    return f"{kind}:{'/'.join(named)}" if kind == ANSWER and named else str(kind)


async def _evaluate(model: Path, sets: Dict[str, List[Case]], dialogues: List[Dialogue]) -> Dict:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    from net_assistant.servers import Assistant, free_port

    configure_structlog(logging.WARNING)  # not one debug line per message
    with open(PROJECT_DIR / "build" / "eval-actions.log", "w") as log:
        # Only the action server: the Rasa side runs in this process (no HTTP server needed).
        actions = Assistant(model, rasa_port=0, action_port=free_port(),
                            tracker_db=Path("unused"), log=log)
        try:
            actions.start_actions()
            agent = Agent.load(
                str(model), action_endpoint=EndpointConfig(f"{actions.action_url}/webhook",
                                                           token=actions.action_token)
            )
            conversations = Conversations(agent)
            results = {}
            for name, cases in sets.items():
                outcomes = [await conversations.run_case(case) for case in cases]
                run = [await conversations.run_dialogue(d) for d in dialogues if d.set == name]
                results[name] = (outcomes, run)
            return results
        finally:
            actions.stop()


ALL_SETS = ("first", *LABELLED_SET_DIRS, "real")
DEVELOPMENT = "development"


def written_sets(names: Sequence[str] = ALL_SETS,
                 development: Optional[Path] = None) -> Dict[str, List[Case]]:
    """The messages of each named set; ``development`` adds a set that may be tuned on."""
    written = {name: _read_set(name) for name in names}
    if development is not None:
        written[DEVELOPMENT] = labelled_set(DEVELOPMENT, development)
    return written


def _read_set(name: str) -> List[Case]:
    if name == "first":
        return first_set()
    return real_questions() if name == "real" else labelled_set(name)


def evaluate(model: Path, names: Sequence[str] = ALL_SETS,
             development: Optional[Path] = None) -> Dict[str, Dict[str, Any]]:
    """Figures, outcomes and dialogue outcomes per set."""
    training = training_texts()
    written = written_sets(names, development)
    sets = {name: unseen(cases, training) for name, cases in written.items()}
    dialogues = [dialogue for name in names if name in LABELLED_SET_DIRS
                 for dialogue in labelled_dialogues(name)]
    if development is not None:
        dialogues += labelled_dialogues(DEVELOPMENT, development)
    ran = asyncio.run(_evaluate(model, sets, dialogues))
    evaluated = {}
    for name, (outcomes, dialogues) in ran.items():
        results = figures(outcomes, dialogues)
        results["left_out_as_training"] = len(written[name]) - len(sets[name])
        evaluated[name] = {"figures": results, "outcomes": outcomes, "dialogues": dialogues}
    return evaluated


SET_TITLES = {
    "first": "first held-out set (tests/heldout)",
    "second": "second held-out set (tests/heldout_e2e), by a new author",
    "third": "third held-out set (tests/heldout_third), by a third author",
    "fourth": "fourth held-out set (tests/heldout_fourth), by a fourth author",
    "real": "questions real patients and carers wrote (tests/real_questions)",
    "pages": "real questions from 34 further public pages (tests/heldout_real_pages)",
    DEVELOPMENT: "development set (may be read and tuned on)",
}


def main() -> None:
    from net_assistant.model import ensure_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=PROJECT_DIR / "build" / "eval.json")
    parser.add_argument("--show-errors", action="store_true",
                        help="print the messages answered wrongly (never tune training data on them)")
    parser.add_argument("--sets", default=",".join(ALL_SETS),
                        help=f"comma-separated sets to run (default: {','.join(ALL_SETS)})")
    parser.add_argument("--development", type=Path, metavar="DIR",
                        help="also run a development set in the second set's form from DIR "
                             "(one written to be tuned on; held-out sets never are)")
    args = parser.parse_args()
    names = [name for name in args.sets.split(",") if name]
    unknown = set(names) - set(ALL_SETS)
    if unknown:
        parser.error(f"unknown set(s) {', '.join(sorted(unknown))}; choose from {', '.join(ALL_SETS)}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    evaluated = evaluate(ensure_model(), names, args.development)
    for name, result in evaluated.items():
        print(report(SET_TITLES[name], result["figures"], result["outcomes"],
                     result["dialogues"]) + "\n")
        if args.show_errors:
            for o in result["outcomes"]:
                if o.case.expected is not None and not o.right:
                    print(f"  [{o.case.category}] {o.metadata.get('kind')}: {o.case.text}")
    args.output.write_text(json.dumps({
        name: {
            "figures": result["figures"],
            "outcomes": [{**asdict(o.case), "intent_seen": o.intent, "metadata": o.metadata,
                          "safety_rule": o.safety_rule} for o in result["outcomes"]],
            "dialogues": [{"name": d.dialogue.name, "right": d.right,
                           "turns": [{**asdict(t), "intent_seen": said["intent"],
                                      "metadata": said["metadata"],
                                      "safety_rule": said["safety_rule"]}
                                     for t, said in zip(d.dialogue.turns, d.said)]}
                          for d in result["dialogues"]],
        }
        for name, result in evaluated.items()
    }, indent=1, default=str))
    print(f"Details in {args.output}")


if __name__ == "__main__":
    main()
