"""Which language a message is written in, when it is not English (``content/languages.yml``).

The assistant answers in English only and never guesses a medical answer from a message it
cannot read, so a message in German or Spanish gets a short English reply that says so, with the
national patient groups of the countries where that language is spoken. Recognition counts the
language's common little words against English ones: cheap, predictable and reviewable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Optional, Tuple

from net_assistant.content.languages import LanguagesFile
from net_assistant.content.loading import CONTENT_DIR, load_yaml, parse_schema

LANGUAGES_FILE = "languages.yml"
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    countries: Tuple[str, ...]
    words: FrozenSet[str]


@dataclass(frozen=True)
class Languages:
    english: FrozenSet[str]
    languages: Dict[str, Language]
    min_words: int

    def identify(self, text: str) -> Optional[Language]:
        """The language ``text`` is written in, or None for English (or too little to tell)."""
        words = _WORD.findall(text.lower())
        english = sum(word in self.english for word in words)
        counts = [(sum(w in lang.words for w in words), lang) for lang in self.languages.values()]
        hits, best = max(counts, key=lambda count: count[0])
        return best if hits >= self.min_words and hits > english else None


def parse_languages(data: dict, where: str = LANGUAGES_FILE) -> Languages:
    parsed = parse_schema(LanguagesFile, data, where)
    english = frozenset(word.lower() for word in parsed.english)
    languages = {
        code: Language(code, entry.name, tuple(entry.countries),
                       frozenset(word.lower() for word in entry.words))
        for code, entry in parsed.languages.items()
    }
    return Languages(english, languages, parsed.min_words)


@lru_cache(maxsize=None)
def load_languages(content_dir: Path = CONTENT_DIR) -> Languages:
    return parse_languages(load_yaml(LANGUAGES_FILE, content_dir))
