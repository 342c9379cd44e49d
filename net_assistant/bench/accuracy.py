"""Held-out answer accuracy of a model, with net_assistant.evaluation's machinery, in its own
process (it loads the model and TensorFlow): ``python -m net_assistant.bench.accuracy MODEL``.

The figures are kept in the model's sidecar (net_assistant.bench.systems), so a benchmark run
evaluates a model once, not at every run.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict

from net_assistant.bench.systems import read_sidecar, write_sidecar

FIGURES = ("answer_accuracy", "treatment_answer_accuracy", "passage_accuracy",
           "personal_recall", "false_escalation", "emergency_recall", "out_of_scope_rejection",
           "dialogue_success", "messages")


def held_out_figures(model: Path) -> Dict[str, Dict[str, Any]]:
    """Per held-out set, the figures the benchmark prints (answer accuracy first)."""
    from net_assistant.evaluation import evaluate

    return {name: {figure: result["figures"].get(figure) for figure in FIGURES}
            for name, result in evaluate(model).items()}


def main() -> None:
    model = Path(sys.argv[1])
    if "held_out" not in read_sidecar(model):
        write_sidecar(model, held_out=held_out_figures(model))
    print(read_sidecar(model)["held_out"])


if __name__ == "__main__":
    main()
