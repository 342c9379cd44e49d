"""One way in to the editable content under ``content/``.

Every content file has exactly one loader module in this package (knowledge, terminology,
safety rules, support directory); they all read YAML through :func:`load_yaml` so that
errors name the file and content editors get a clear message instead of a traceback.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Type, TypeVar

import pydantic
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


class Schema(pydantic.BaseModel):
    """The declared structure of a content file (or of one of its entries): unknown keys and
    values of the wrong kind are errors, and YAML's yes/no/on/off never pass as text."""

    class Config:
        extra = pydantic.Extra.forbid
        frozen = True
        anystr_strip_whitespace = True


Parsed = TypeVar("Parsed", bound=Schema)
# pydantic's messages, said as a content editor needs to hear them.
EDITOR_MESSAGES = {
    "type_error.str": "must be text (put numbers and yes/no/on/off in quotes)",
    "type_error.integer": "must be a whole number",
    "type_error.list": "must be a list",
    "type_error.dict": "must be a mapping (key: value lines)",
    "value_error.missing": "is missing",
    "value_error.extra": "is not a known key (a typo?)",
    "value_error.list.min_items": "must not be empty",
}


def parse_schema(schema: Type[Parsed], data: Any, where: str) -> Parsed:
    """``data`` read as ``schema``; the first problem raised as "file: key.path: message"."""
    try:
        return schema.parse_obj(data)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        path = ".".join(str(part) for part in first["loc"] if part != "__root__")
        message = EDITOR_MESSAGES.get(first["type"], first["msg"])
        raise ContentError(f"{where}: {path + ': ' if path else ''}{message}") from error
