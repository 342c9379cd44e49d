"""Remove what identifies a person from a message before anyone reads it in a report.

People write their names, e-mail addresses, phone numbers, postcodes, dates of birth and NHS
numbers into a chat; editors only need the question. Every message the report shows passes
through :func:`redact`. Patterns are deliberately greedy for digits (a dose is never six digits
long) and careful with words: a name is only taken after a cue ("my name is", "I'm", "thanks,",
"my husband", "Dr"), so medical words and treatment names stay. The word lists are in
``content/redaction.yml``; treatment names and terms come from ``content/terminology.yml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterable, List, Match, Pattern, Tuple

from net_assistant.content.loading import CONTENT_DIR, load_yaml, require
from net_assistant.knowledge.terminology import load_terminology

REDACTION_FILE = "redaction.yml"
PLACEHOLDERS = ("name", "email", "phone", "postcode", "date", "nhs_number", "number")
WORD_LISTS = ("name_cues", "introduction_cues", "signature_cues", "relatives", "titles",
              "not_names")

# A word of letters in any alphabet, with inner hyphens or apostrophes (Mary-Jane, O'Neill).
WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
NAME_WORDS = rf"{WORD}(?:[ \t]+{WORD}){{0,2}}"
POSSESSIVE = re.compile(r"(['’]s)$", re.IGNORECASE)
MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
ORDINAL = r"(?:st|nd|rd|th)?"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2})"
    r"(?![\d/-]|\.\d)")
DAY_MONTH = re.compile(
    rf"\b\d{{1,2}}{ORDINAL}(?:[ \t]+of)?[ \t]+(?P<month>{MONTHS})\b\.?(?P<year>,?[ \t]+\d{{4}})?",
    re.IGNORECASE)
MONTH_DAY = re.compile(
    rf"\b(?P<month>{MONTHS})\.?[ \t]+\d{{1,2}}{ORDINAL}\b(?P<year>,?[ \t]+\d{{4}})?",
    re.IGNORECASE)
BIRTH_YEAR = re.compile(
    r"\b(?P<label>d\.?o\.?b\.?|date of birth|birth ?date|born(?:[ \t]+(?:on|in))?)(?P<gap>[ \t:]*(?:is[ \t]+)?)"
    r"(?P<year>(?:19|20)\d{2})\b", re.IGNORECASE)
NHS_LABELLED = re.compile(
    r"\b(?P<label>nhs[ \t]*(?:number|no\.?|num|#)?)(?P<gap>[ \t:#]*(?:is[ \t]+)?)"
    r"(?P<number>\d{3}[ \t-]?\d{3}[ \t-]?\d{4})(?!\d)", re.IGNORECASE)
NHS_SHAPE = re.compile(r"(?<![\d+])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
PHONE_LABELLED = re.compile(
    r"\b(?P<label>phone|tel|telephone|mobile|mob|cell|whatsapp|(?:call|ring|text|reach) me on|"
    r"(?:my|phone|contact) number)(?P<gap>[ \t:.]*(?:is[ \t]+)?)"
    r"(?P<number>\+?\(?\d[\d \t().-]{4,}\d)", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w+@(])[+(]?\d[\d \t().-]{6,}\d(?!\w)")
POSTCODE_LABELLED = re.compile(
    r"\b(?P<label>post[ \t]?code|postal[ \t]+code|zip(?:[ \t]?code)?|plz|postleitzahl|"
    r"code[ \t]+postal|cap|cp|postnummer|postnr)(?P<gap>[ \t:#]*(?:is[ \t]+)?)"
    r"(?P<number>(?:[A-Z]{1,3}[ \t-])?\d{2,3}[ \t-]?\d{2,3}(?:[ \t]?[A-Z]{2})?)\b",
    re.IGNORECASE)
UK_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ \t]?(?P<inward>\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
KISSES = re.compile(r"x+", re.IGNORECASE)  # "cheers, Dave x"
LONG_NUMBER = re.compile(r"(?<!\d)\d{6,}(?!\d)")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 9, 15
MIN_LABELLED_PHONE_DIGITS = 6


@dataclass(frozen=True)
class RedactionRules:
    """The placeholders and word lists of ``content/redaction.yml``, plus protected words."""

    placeholders: Dict[str, str]
    name_cues: Tuple[str, ...]
    introduction_cues: Tuple[str, ...]
    signature_cues: Tuple[str, ...]
    relatives: Tuple[str, ...]
    titles: Tuple[str, ...]
    not_names: FrozenSet[str]


class Redactor:
    """Applies the redaction steps in order: identifiers with digits first, names last."""

    def __init__(self, rules: RedactionRules) -> None:
        self.rules = rules
        self.placeholder = rules.placeholders
        self._name_cue = _cue_pattern(rules.name_cues, NAME_WORDS)
        self._introduction = _cue_pattern(rules.introduction_cues, NAME_WORDS)
        self._signature = _cue_pattern(rules.signature_cues, NAME_WORDS,
                                       after=r"(?=[ \t]*(?:[.!,;:)\n]|$|[ \t]+x+\b))",
                                       gap=r"[ \t]*[,:–—-]?[ \t]*\n?[ \t]*")
        self._relative = _cue_pattern(rules.relatives, NAME_WORDS,
                                      before=r"\b(?:my|our|his|her|their)[ \t]+",
                                      gap=r"(?:['’]s)?[ \t]*[,(]?[ \t]*")
        self._title = _cue_pattern(rules.titles, NAME_WORDS, gap=r"\.?[ \t]+")
        self._steps: List[Callable[[str], str]] = [
            self._emails, self._dates, self._nhs_numbers, self._phones, self._postcodes,
            self._long_numbers, self._names,
        ]

    def redact(self, text: str) -> str:
        for step in self._steps:
            text = step(text)
        return text

    # ------------------------------------------------------------------ identifiers
    def _emails(self, text: str) -> str:
        return EMAIL.sub(self.placeholder["email"], text)

    def _dates(self, text: str) -> str:
        date = self.placeholder["date"]
        text = NUMERIC_DATE.sub(date, text)
        text = DAY_MONTH.sub(self._textual_date, text)
        text = MONTH_DAY.sub(self._textual_date, text)
        return BIRTH_YEAR.sub(lambda m: f"{m['label']}{m['gap']}{date}", text)

    def _textual_date(self, match: Match[str]) -> str:
        """'may' is a date only when written May or with a year ('it may 2 be'... is not)."""
        if match["month"] == "may" and not match["year"]:
            return match[0]
        return self.placeholder["date"]

    def _nhs_numbers(self, text: str) -> str:
        nhs = self.placeholder["nhs_number"]
        text = NHS_LABELLED.sub(lambda m: f"{m['label']}{m['gap']}{nhs}", text)
        return NHS_SHAPE.sub(lambda m: nhs if is_nhs_number(m[0]) else m[0], text)

    def _phones(self, text: str) -> str:
        phone = self.placeholder["phone"]
        text = PHONE_LABELLED.sub(
            lambda m: f"{m['label']}{m['gap']}{phone}"
            if _digits(m["number"]) >= MIN_LABELLED_PHONE_DIGITS else m[0], text)
        return PHONE.sub(
            lambda m: phone if MIN_PHONE_DIGITS <= _digits(m[0]) <= MAX_PHONE_DIGITS else m[0],
            text)

    def _postcodes(self, text: str) -> str:
        postcode = self.placeholder["postcode"]
        text = POSTCODE_LABELLED.sub(lambda m: f"{m['label']}{m['gap']}{postcode}", text)
        return UK_POSTCODE.sub(lambda m: m[0] if _is_ordinal(m["inward"]) else postcode, text)

    def _long_numbers(self, text: str) -> str:
        return LONG_NUMBER.sub(self.placeholder["number"], text)

    # ------------------------------------------------------------------ names
    def _names(self, text: str) -> str:
        text = self._name_cue.sub(lambda m: self._replace_names(m, first_any_case=True), text)
        for pattern in (self._introduction, self._relative, self._title):
            text = pattern.sub(lambda m: self._replace_names(m, first_any_case=False), text)
        return self._signature.sub(self._replace_signature, text)

    def _replace_signature(self, match: Match[str]) -> str:
        """A sign-off names someone only if every word after it is a name ('Thanks Jo')."""
        words = [word for word in match["words"].split() if not KISSES.fullmatch(word)]
        if len(self._name_count(words, first_any_case=False)) < len(words):
            return match[0]
        return self._replace_names(match, first_any_case=False)

    def _replace_names(self, match: Match[str], first_any_case: bool) -> str:
        words = re.split(r"([ \t]+)", match["words"])
        names = self._name_count(words[::2], first_any_case)
        if not names:
            return match[0]
        kept = "".join(words[2 * len(names) - 1:]) if len(names) < len(words[::2]) else ""
        suffix = POSSESSIVE.search(names[-1])
        replaced = self.placeholder["name"] + (suffix[1] if suffix else "")
        return f"{match['cue']}{replaced}{kept}"

    def _name_count(self, words: List[str], first_any_case: bool) -> List[str]:
        """The leading words that are a name: the first (any case after 'my name is'), then
        the capitalised ones after it."""
        names: List[str] = []
        for index, word in enumerate(words):
            bare = POSSESSIVE.sub("", word)
            if bare.lower() in self.rules.not_names:
                break
            if not (is_capitalised(bare) or (first_any_case and index == 0)):
                break
            names.append(word)
            if word != bare:  # "Anna's": the name ends here
                break
        return names


def _cue_pattern(cues: Iterable[str], words: str, before: str = r"\b", gap: str = r"[ \t]*,?[ \t]*",
                 after: str = "") -> Pattern[str]:
    """`cue` then the candidate words; the cue matches in any case, the words are checked."""
    alternatives = "|".join(
        re.escape(cue).replace("'", "['’]").replace(r"\ ", r"[ \t]+")
        for cue in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?P<cue>{before}(?:{alternatives}){gap})(?P<words>{words}){after}",
                      re.IGNORECASE)


def is_capitalised(word: str) -> bool:
    """'Anna', 'O'Neill', 'Zoë': a capital then not all capitals (PRRT, NET are acronyms)."""
    return bool(word) and word[0].isupper() and not (len(word) > 1 and word.isupper())


def is_nhs_number(text: str) -> bool:
    """Ten digits whose last is the modulus-11 check digit of the first nine."""
    digits = [int(c) for c in text if c.isdigit()]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
    return (0 if check == 11 else check) == digits[9]


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _is_ordinal(inward: str) -> bool:
    """'Y90 1st cycle' is not a postcode; 'B33 8TH' is."""
    return inward[1:] in {"st", "nd", "rd", "th"}


def load_rules(content_dir: Path = CONTENT_DIR) -> RedactionRules:
    """The redaction rules, with every treatment name and term protected from being a name."""
    data = load_yaml(REDACTION_FILE, content_dir)
    where = str(content_dir / REDACTION_FILE)
    placeholders = data.get("placeholders") or {}
    require(sorted(placeholders) == sorted(PLACEHOLDERS), where,
            f"placeholders must be exactly {', '.join(PLACEHOLDERS)}")
    lists = {}
    for name in WORD_LISTS:
        values = data.get(name)
        require(isinstance(values, list) and bool(values)
                and all(isinstance(v, str) for v in values),
                where, f"{name} must be a non-empty list of words")
        lists[name] = tuple(" ".join(str(v).lower().split()) for v in values or ())
    return RedactionRules(
        placeholders={key: str(value) for key, value in placeholders.items()},
        name_cues=lists["name_cues"], introduction_cues=lists["introduction_cues"],
        signature_cues=lists["signature_cues"], relatives=lists["relatives"],
        titles=lists["titles"],
        not_names=frozenset(lists["not_names"]) | _treatment_words(content_dir),
    )


def _treatment_words(content_dir: Path) -> FrozenSet[str]:
    terminology = load_terminology(content_dir)
    phrases = [t.name for t in terminology.treatments.values()]
    phrases += [term for t in terminology.treatments.values() for term in t.terms]
    return frozenset(word.lower() for phrase in phrases for word in re.findall(WORD, phrase))


@lru_cache(maxsize=1)
def load_redactor() -> Redactor:
    return Redactor(load_rules())


def redact(text: str) -> str:
    """``text`` without names, e-mail addresses, phone numbers, postcodes, dates, NHS numbers
    and long numbers (each replaced by its placeholder, e.g. ``[email]``)."""
    return load_redactor().redact(text)
