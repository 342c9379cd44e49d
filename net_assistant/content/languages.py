"""The structure of ``content/languages.yml``."""
from __future__ import annotations

from typing import Any, Dict

import pydantic

from net_assistant.content.loading import Schema


class LanguageEntry(Schema):
    name: pydantic.StrictStr
    countries: pydantic.conlist(pydantic.StrictStr, min_items=1)  # type: ignore[valid-type]
    words: pydantic.conlist(pydantic.StrictStr, min_items=1)  # type: ignore[valid-type]


class LanguagesFile(Schema):
    """content/languages.yml (its comments say what each part is for)."""

    min_words: pydantic.conint(strict=True, ge=1)  # type: ignore[valid-type]
    english: pydantic.conlist(pydantic.StrictStr, min_items=1)  # type: ignore[valid-type]
    languages: Dict[str, LanguageEntry]

    @pydantic.validator("languages")
    def no_english_words(cls, languages: Dict[str, LanguageEntry],
                         values: Dict[str, Any]) -> Dict[str, LanguageEntry]:
        """A language's words must not be English ones, or English messages would look foreign."""
        english = {word.lower() for word in values.get("english", [])}
        for code, entry in languages.items():
            shared = sorted({word.lower() for word in entry.words} & english)
            if shared:
                raise ValueError(f"{code}: words that are also English: {shared}")
        return languages
