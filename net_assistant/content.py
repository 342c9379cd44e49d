"""One way in to the editable content under ``content/``.

Every content file has exactly one loader module in this package (knowledge, terminology,
safety rules, support directory); they all read YAML through :func:`load_yaml` so that
errors name the file and content editors get a clear message instead of a traceback.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONTENT_DIR = PROJECT_DIR / "content"
# libyaml's safe loader when PyYAML has it (the same YAML, parsed in C): the pure-Python one took
# 2.6 of the Rasa server's 31 s cold start, reading content/safety_rules.yml.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(ValueError):
    """A content file is missing, malformed or breaks its schema."""


def load_yaml(name: str, content_dir: Path = CONTENT_DIR) -> Dict[str, Any]:
    """Read ``content_dir/name`` as a YAML mapping."""
    path = content_dir / name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506
    except FileNotFoundError as error:
        raise ContentError(f"{path}: file not found") from error
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping at the top level")
    return data


def require(condition: object, where: str, message: str) -> None:
    """Raise a :class:`ContentError` saying ``where`` and what is wrong unless ``condition``."""
    if not condition:
        raise ContentError(f"{where}: {message}")
