"""The structure of ``content/support_directory.yml`` and ``content/countries.yml``.

What needs both files or the whole list (ids, names and websites unique, a group's countries
known, the hand-off naming listed organisations, an alias naming one country) is checked in
:mod:`net_assistant.support.directory`.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List, Literal, Optional
from urllib.parse import urlparse

import pydantic

from net_assistant.content.loading import Schema, Text, blank_as_empty_list, check

CODE_PATTERN = re.compile(r"^[A-Z]{2}$")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$")


def _dates_as_text(value: object) -> object:
    """An unquoted 2026-11-05 is a date to YAML; it is read as the text it was written as."""
    return value.isoformat() if isinstance(value, date) else value


def _is_web_address(value: str) -> bool:
    if any(char.isspace() for char in value):
        return False
    parts = urlparse(value)
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and "." in host and not host.startswith(".")


def month(field: str) -> Any:
    """A validator: ``field`` is a month or a day, as editors write "last checked" dates."""
    return check(field, test=MONTH_PATTERN.match, message="must be YYYY-MM or YYYY-MM-DD")


class OrganisationEntry(Schema):
    id: Text
    name: Text
    scope: Literal["international", "centre_finder", "national"]
    countries: List[Text]
    website: Text
    offers: pydantic.conlist(Text, min_items=1)  # type: ignore[valid-type]
    last_checked: Text
    region: Optional[pydantic.StrictStr] = None
    formerly: Optional[pydantic.StrictStr] = None
    _id = check("id", test=ID_PATTERN.match, message="must be lower_case_with_underscores")
    _web = check("website", test=_is_web_address, message="{value!r} is not an http(s) address")
    _date = pydantic.validator("last_checked", pre=True, allow_reuse=True)(_dates_as_text)
    _month = month("last_checked")

    @pydantic.validator("countries")
    def countries_for_national_groups(cls, codes: List[str], values: Dict) -> List[str]:
        if bool(codes) != (values.get("scope") == "national"):
            raise ValueError(
                "a national group needs countries; international entries and finders have []")
        return codes


class HandOffEntry(Schema):
    international: Text
    centre_finder: Text


class DirectoryFile(Schema):
    """content/support_directory.yml (its comments say what each part is for)."""

    last_reviewed: Text
    hand_off: HandOffEntry
    organisations: pydantic.conlist(OrganisationEntry, min_items=1)  # type: ignore[valid-type]
    _date = pydantic.validator("last_reviewed", pre=True, allow_reuse=True)(_dates_as_text)
    _month = month("last_reviewed")


class CountryEntry(Schema):
    name: Text
    article: Optional[Literal["the"]] = None
    other_names: List[Text] = []
    cities: List[Text] = []
    demonyms: List[Text] = []
    _blank = blank_as_empty_list("other_names", "cities", "demonyms")


class CountriesFile(Schema):
    """content/countries.yml (its comments say what each part is for)."""

    case_sensitive_in_sentences: List[Text] = []
    skip_phrases: pydantic.conlist(Text, min_items=1)  # type: ignore[valid-type]
    not_countries: List[Text] = []
    countries: Dict[str, CountryEntry]
    _blank = blank_as_empty_list("case_sensitive_in_sentences", "not_countries")

    @pydantic.validator("countries")
    def iso_codes(cls, countries: Dict[str, CountryEntry]) -> Dict[str, CountryEntry]:
        if not countries:
            raise ValueError("lists no countries")
        for code in countries:
            if not CODE_PATTERN.match(code):
                raise ValueError(f'key {code!r} must be a two-letter ISO 3166-1 code in capitals '
                                 '(quote "NO")')
        return countries
