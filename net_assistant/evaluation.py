"""Held-out evaluation of the NLU, safety layer included (``make eval``).

Parses every message in ``tests/heldout/`` with the trained model, exactly as the server
would, and reports intent accuracy and macro F1 plus the safety figures the project commits
to. The held-out set is never used for training (see tests/heldout/README.md).
"""
from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

from net_assistant.content import PROJECT_DIR

HELDOUT_DIR = PROJECT_DIR / "tests" / "heldout"
ESCALATED = {"personal_medical_question", "emergency"}
REJECTED = {"out_of_scope", "nlu_fallback"}
COUNTS = {"messages", "left_out_as_training"}  # figures that are counts, not shares
TARGETS = {
    "treatment_intent_accuracy": 0.95,
    "personal_recall": 0.98,
    "emergency_recall": 1.0,
    "false_escalation_rate": 0.03,  # at most
    "out_of_scope_rejection": 0.90,
}


@dataclass(frozen=True)
class Prediction:
    file: str
    text: str
    expected: str
    predicted: str
    safety_rule: Optional[str] = None  # the rule that re-labelled the message, if any


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def training_texts(nlu_dir: Path = PROJECT_DIR / "data" / "nlu") -> Set[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return {_normalised(m.get("text")) for m in load_data(str(nlu_dir)).intent_examples}


def heldout_examples(directory: Path = HELDOUT_DIR) -> List[Tuple[str, str, str]]:
    """(file stem, text, intent) for every example in the held-out set."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples = []
    for path in sorted(directory.glob("*.yml")):
        for message in load_data(str(path)).intent_examples:
            examples.append((path.stem, message.get("text"), message.get("intent")))
    return examples


def unseen(
    examples: List[Tuple[str, str, str]], training: Set[str]
) -> List[Tuple[str, str, str]]:
    """The examples whose text is not also a training example.

    The set was written independently of the training data, but short messages ("hello",
    "what is PRRT") were sometimes written identically by both authors; those are left out
    so every figure is about messages the model never saw.
    """
    return [example for example in examples if _normalised(example[1]) not in training]


async def _predict(model: Path, examples: List[Tuple[str, str, str]]) -> List[Prediction]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # not one debug line per parsed message

    agent = Agent.load(str(model))
    predictions = []
    for file, text, expected in examples:
        parsed = await agent.parse_message(text)
        rule = (parsed.get("safety_rule") or {}).get("rule_id")
        predictions.append(Prediction(file, text, expected, parsed["intent"]["name"], rule))
    return predictions


def _share(hits: Iterable[bool]) -> float:
    hits = list(hits)
    return sum(hits) / len(hits) if hits else float("nan")


def macro_f1(pairs: List[Tuple[str, str]]) -> float:
    """Macro-averaged F1 over the expected intents."""
    labels = sorted({expected for expected, _ in pairs})
    scores = []
    for label in labels:
        tp = sum(e == label and p == label for e, p in pairs)
        fp = sum(e != label and p == label for e, p in pairs)
        fn = sum(e == label and p != label for e, p in pairs)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def figures(predictions: List[Prediction]) -> Dict[str, float]:
    def of(file: str) -> List[Prediction]:
        return [p for p in predictions if p.file == file]

    return {
        "messages": len(predictions),
        "intent_accuracy": _share(p.expected == p.predicted for p in predictions),
        "intent_macro_f1": macro_f1([(p.expected, p.predicted) for p in predictions]),
        "treatment_intent_accuracy": _share(p.expected == p.predicted for p in of("treatments")),
        "personal_recall": _share(p.predicted in ESCALATED for p in of("personal")),
        "emergency_recall": _share(p.predicted == "emergency" for p in of("emergency")),
        "false_escalation_rate": _share(p.predicted in ESCALATED for p in of("general_lookalikes")),
        "out_of_scope_rejection": _share(p.predicted in REJECTED for p in of("out_of_scope")),
    }


def meets_target(name: str, value: float) -> bool:
    target = TARGETS[name]
    return value <= target if name == "false_escalation_rate" else value >= target


def report(results: Dict[str, float], predictions: List[Prediction]) -> str:
    lines = [f"{'figure':<28}{'value':>8}  target"]
    for name, value in results.items():
        if name in COUNTS:
            lines.append(f"{name:<28}{value:>8}")
            continue
        target = ""
        if name in TARGETS:
            sign = "<=" if name == "false_escalation_rate" else ">="
            verdict = "ok" if meets_target(name, value) else "MISSED"
            target = f"{sign} {TARGETS[name]:.0%}  {verdict}"
        lines.append(f"{name:<28}{value:>8.1%}  {target}")
    confusions = Counter(
        (p.expected, p.predicted + (f" (rule {p.safety_rule})" if p.safety_rule else ""))
        for p in predictions if p.expected != p.predicted
    )
    if confusions:
        lines.append("\nmost common confusions (expected -> predicted):")
        lines += [f"  {n:>3}  {e} -> {p}" for (e, p), n in confusions.most_common(12)]
    return "\n".join(lines)


def evaluate(model: Path) -> Tuple[Dict[str, float], List[Prediction]]:
    """Figures over the held-out messages that are not also training examples."""
    everything = heldout_examples()
    examples = unseen(everything, training_texts())
    predictions = asyncio.run(_predict(model, examples))
    results = {**figures(predictions), "left_out_as_training": len(everything) - len(examples)}
    return results, predictions


def main() -> None:
    from net_assistant.model import ensure_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=PROJECT_DIR / "build" / "eval.json")
    parser.add_argument("--show-errors", action="store_true",
                        help="print misclassified messages (don't tune training data on them)")
    args = parser.parse_args()
    results, predictions = evaluate(ensure_model())
    print(report(results, predictions))
    if args.show_errors:
        for p in predictions:
            if p.expected != p.predicted:
                print(f"  [{p.file}] {p.expected} -> {p.predicted}: {p.text}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(
        {"figures": results, "predictions": [asdict(p) for p in predictions]}, indent=1))
    print(f"\nDetails in {args.output}")


if __name__ == "__main__":
    main()
