"""One way in to the editable content under ``content/``.

Each content file the assistant answers from has a schema module in this package and one loader
in the domain package that uses it (knowledge, safety, support); report.yml and redaction.yml are
read by the report and the privacy filter. All read YAML through :func:`load_yaml`, so that
errors name the file (and, through :func:`parse_schema`, the entry) and content editors get a
clear message instead of a traceback.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, Tuple, Type, TypeVar

import pydantic
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
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


class Text(pydantic.ConstrainedStr):
    """Text that must say something (surrounding whitespace is stripped first)."""

    strict = True
    min_length = 1


# pydantic's messages, said as a content editor needs to hear them.
EDITOR_MESSAGES = {
    "type_error.str": "must be text (put numbers and yes/no/on/off in quotes)",
    "type_error.integer": "must be a whole number",
    "type_error.list": "must be a list",
    "type_error.dict": "must be a mapping (key: value lines)",
    "type_error.none.not_allowed": "must not be left blank",
    "value_error.missing": "is missing",
    "value_error.extra": "is not a known key (a typo?)",
    "value_error.list.min_items": "must not be empty",
    "value_error.any_str.min_length": "must not be empty",
    "value_error.const": "must be one of: {permitted}",
    "value_error.strictbool": "must be true or false",
}


def blank_as_empty_list(*fields: str) -> Any:
    """A validator reading a list key left blank (``exclude:`` with nothing under it) as []."""
    return pydantic.validator(*fields, pre=True, allow_reuse=True)(
        lambda cls, value: [] if value is None else value
    )


def check(*fields: str, test: Callable[[Any], object], message: str) -> Any:
    """A validator of ``fields`` saying ``message`` (``{value}``: the value) unless ``test``."""
    def validate(cls: type, value: Any) -> Any:
        if not test(value):
            raise ValueError(message.format(value=value))
        return value
    return pydantic.validator(*fields, allow_reuse=True)(validate)


def load_schema(schema: Type[Parsed], name: str, content_dir: Path = CONTENT_DIR) -> Parsed:
    """``content_dir/name`` read as ``schema`` (see :func:`load_yaml` and :func:`parse_schema`)."""
    return parse_schema(schema, load_yaml(name, content_dir), name)


def parse_schema(schema: Type[Parsed], data: Any, where: str) -> Parsed:
    """``data`` read as ``schema``; the first problem raised as "file: key.path: message"."""
    try:
        return schema.parse_obj(data)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        path = _key_path(first["loc"], data)
        permitted = ", ".join(map(str, first.get("ctx", {}).get("permitted", ())))
        message = EDITOR_MESSAGES.get(first["type"], "{msg}").format(msg=first["msg"],
                                                                       permitted=permitted)
        raise ContentError(f"{where}: {path + ': ' if path else ''}{message}") from error


def _key_path(loc: Tuple[Any, ...], data: Any) -> str:
    """``treatments.surgery.what_is[0] (surgery-major-role).text``: list entries by position,
    and by their ``id`` when they have one, as editors find them in the file."""
    path = ""
    for part in loc:
        if part == "__root__":
            continue
        if isinstance(data, list) and isinstance(part, int):
            data = data[part] if part < len(data) else None
            path += f"[{part}]"
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                path += f" ({data['id']})"
        else:
            data = data.get(part) if isinstance(data, dict) else None
            path += f".{part}" if path else str(part)
    return path
