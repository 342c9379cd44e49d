"""Train the Rasa model only when what it is trained from has changed.

The model file is named after a fingerprint of its inputs, so ``make run`` and the tests reuse
a model whose data is unchanged and train a new one (once) when it is not.
``python -m net_assistant.model`` prints the path of an up-to-date model, training if needed.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List

from net_assistant.content.loading import PROJECT_DIR

MODELS_DIR = PROJECT_DIR / "models"
MODEL_PREFIX = "net-assistant-"
KEEP_MODELS = 3
TRAINING_INPUTS = (
    "config.yml", "domain.yml", "data", "content/terminology.yml", "requirements.lock",
    "net_assistant/rasa_adapters/components.py",
)


def _files(paths: Iterable[str], root: Path) -> List[Path]:
    found: List[Path] = []
    for name in paths:
        path = root / name
        found += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return found


def fingerprint(root: Path = PROJECT_DIR) -> str:
    """A short hash of the training inputs' paths and contents."""
    digest = hashlib.sha256()
    for path in _files(TRAINING_INPUTS, root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()[:16]


def model_path(root: Path = PROJECT_DIR) -> Path:
    return root / "models" / f"{MODEL_PREFIX}{fingerprint(root)}.tar.gz"


def ensure_model(root: Path = PROJECT_DIR) -> Path:
    """The model for the current inputs, trained now if there is none."""
    path = model_path(root)
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "rasa", "train", "--out", str(path.parent),
             "--fixed-model-name", path.name[: -len(".tar.gz")]],
            cwd=root,
            check=True,
        )
        _prune(path.parent, keep=KEEP_MODELS)
    return path


def _prune(models_dir: Path, keep: int) -> None:
    """Delete all but the ``keep`` newest models, so ``models/`` does not grow without end."""
    models = sorted(models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[:-keep]:
        old.unlink()


if __name__ == "__main__":
    print(ensure_model())
