"""Support-group directory and country recognition (``content/support_directory.yml``,
``content/countries.yml``).

The assistant hands people on to NET patient organisations. Which national group fits depends on
where the person lives, so this module also recognises a country in what people type: names,
other names ("UK", "Holland"), demonyms ("I'm Irish"), big cities ("near Manchester") and
misspellings ("Germnay"). Both files are loaded and validated here and nowhere else.

Deployment restriction: ``NET_DIRECTORY_EXCLUDE_COUNTRIES`` is a comma-separated list of ISO
3166-1 alpha-2 codes (for example ``US,CA,FR``: the source website is not meant for those
countries). Organisations whose countries are all excluded are left out of every list; the
international alliance and the centre finder serve everyone and always stay. An unknown code in
the variable is a configuration error, not something to ignore silently.
"""
from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple
from urllib.parse import urlparse


from net_assistant.content.directory import (
    CountriesFile, DirectoryFile, HandOffEntry, OrganisationEntry,
)
from net_assistant.content.loading import CONTENT_DIR, load_schema, require

DIRECTORY_FILE = "support_directory.yml"
COUNTRIES_FILE = "countries.yml"
EXCLUDE_ENV_VAR = "NET_DIRECTORY_EXCLUDE_COUNTRIES"

# Words after which a place name is where the person lives ("in Spain", "near Leeds"): such a
# mention wins over others ("I'm Irish but live in London").
RESIDENCE_CUES = frozenset({"in", "near", "at", "around", "to", "outside"})
# Words after which an everyday word is a place ("in turkey", "from cork").
PLACE_CUES = RESIDENCE_CUES | {"from"}
# Words after which a misspelt place or demonym is looked for ("I'm Germna", "live in Irland").
FUZZY_CUES = PLACE_CUES | {"im", "am", "were", "live", "living", "based"}
MAX_ABBREVIATION_LENGTH = 3
# Words that carry no place information; what is left of a short reply is checked for misspellings.
FILLER_WORDS = frozenset({
    "i", "im", "am", "we", "were", "are", "is", "its", "it", "in", "from", "near", "the", "a",
    "live", "living", "based", "at", "around", "my", "our", "country", "city", "currently",
    "now", "right", "here", "just", "actually", "well", "oh", "so", "yes", "yeah", "ok", "okay",
    "sure", "please", "thanks", "thank", "you", "to", "moved", "outside", "of", "and",
    "hi", "hello", "town",
})
MAX_FUZZY_REPLY_WORDS = 3
MAX_SKIP_REPLY_WORDS = 3
MIN_FUZZY_LENGTH = 5
# The difflib ratio a misspelling needs. 0.8 lets one slip through in a five-letter word
# ("Spian"); longer words must agree a little more, so that a made-up place is not read as a real
# name that shares most of its letters.
SHORT_WORD_CUTOFF = 0.8
LONG_WORD_CUTOFF = 0.83
SHORT_WORD_LENGTH = 5


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    article: Optional[str] = None

    @property
    def in_sentence(self) -> str:
        """The name as said in a sentence: "the United Kingdom", "Spain"."""
        return f"{self.article} {self.name}" if self.article else self.name


@dataclass(frozen=True)
class CountryMatch:
    code: str
    name: str
    matched: str  # the (normalised) words of the user's text that named the country
    fuzzy: bool  # True when recognised as a misspelling


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    scope: str
    countries: Tuple[str, ...]
    website: str
    offers: Tuple[str, ...]
    last_checked: str
    region: Optional[str] = None
    formerly: Optional[str] = None


@dataclass(frozen=True)
class HandOff:
    """Who to offer someone: national groups for their country, plus the two always offered."""

    country: Optional[Country]
    national: Tuple[Organisation, ...]
    international: Organisation
    centre_finder: Organisation

    @property
    def organisations(self) -> Tuple[Organisation, ...]:
        return self.national + (self.international, self.centre_finder)


@dataclass(frozen=True)
class _Alias:
    code: str
    written: str  # as in the file, for the case-sensitive words
    kind: str  # "name", "demonym" or "city"


@dataclass(frozen=True)
class _Vocabulary:
    """The words of countries.yml, normalised (see :func:`_normalise`)."""

    aliases: Dict[str, _Alias]
    case_sensitive: FrozenSet[str]
    not_countries: FrozenSet[str]
    skip_phrases: FrozenSet[str]


@dataclass(frozen=True)
class SupportDirectory:
    organisations: Tuple[Organisation, ...]  # already filtered by the excluded countries
    countries: Dict[str, Country]
    international_id: str
    centre_finder_id: str
    excluded_countries: FrozenSet[str]
    last_reviewed: str
    vocabulary: _Vocabulary

    # --- organisations -------------------------------------------------------------------
    def organisation(self, organisation_id: str) -> Organisation:
        return next(org for org in self.organisations if org.id == organisation_id)

    def centre_finder(self) -> Organisation:
        """The finder of NET specialist centres (ENETS), offered to everyone."""
        return self.organisation(self.centre_finder_id)

    def international(self) -> Organisation:
        """The international alliance (INCA), offered to everyone."""
        return self.organisation(self.international_id)

    def groups_for(self, country_code: Optional[str]) -> HandOff:
        """National groups for ``country_code`` (maybe none) plus INCA and the centre finder."""
        country = self.countries.get(country_code) if country_code else None
        national = tuple(
            org for org in self.organisations
            if org.scope == "national" and country is not None and country.code in org.countries
        )
        return HandOff(country, national, self.international(), self.centre_finder())

    # --- understanding replies -----------------------------------------------------------
    def is_skip(self, text: str) -> bool:
        """Whether the reply declines to say where the person lives ("skip", "rather not say")."""
        words = [word for word, _ in _words(text)]
        if not words:
            return False
        for phrase in self.vocabulary.skip_phrases:
            phrase_words = phrase.split()
            if len(phrase_words) == 1 and len(words) > MAX_SKIP_REPLY_WORDS:
                continue
            if _find_span(words, phrase_words) is not None:
                return True
        return False

    def match_country(self, text: str) -> Optional[CountryMatch]:
        """The country ``text`` names, or None. Exact words first, then likely misspellings."""
        words = _words(text)
        if not words:
            return None
        whole = " ".join(lower for lower, _ in words)
        if whole in self.vocabulary.aliases:
            return self._match(whole, fuzzy=False)
        found, place_free = self._scan(words)
        return found or self._fuzzy(place_free)

    def _match(self, alias: str, fuzzy: bool) -> CountryMatch:
        country = self.countries[self.vocabulary.aliases[alias].code]
        return CountryMatch(country.code, country.name, alias, fuzzy)

    def _scan(self, words: List[Tuple[str, str]]) -> Tuple[Optional[CountryMatch], List[str]]:
        """Exact names in a sentence, longest first; also returns the words that named nothing."""
        lowers = [lower for lower, _ in words]
        longest = max(len(alias.split()) for alias in self.vocabulary.aliases)
        found: List[Tuple[bool, CountryMatch]] = []
        leftover: List[str] = []
        position = 0
        while position < len(words):
            for size in range(min(longest, len(words) - position), 0, -1):
                phrase = " ".join(lowers[position:position + size])
                previous = lowers[position - 1] if position else ""
                if phrase in self.vocabulary.not_countries:
                    break
                if self._counts_in_sentence(phrase, words[position:position + size], previous):
                    found.append((previous in RESIDENCE_CUES, self._match(phrase, fuzzy=False)))
                    break
            else:
                leftover.append(lowers[position])
                size = 1
            position += size
        residence = [match for is_residence, match in found if is_residence]
        candidates = residence or [match for _, match in found]
        return (candidates[0] if candidates else None), leftover

    def _counts_in_sentence(self, phrase: str, span: List[Tuple[str, str]], previous: str) -> bool:
        alias = self.vocabulary.aliases.get(phrase)
        if alias is None:
            return False
        if alias.kind == "demonym" and previous == "in":  # "in French" is a language, not a person
            return False
        if phrase in self.vocabulary.case_sensitive:
            # "I live in turkey" is clear enough; "near us" is not, so short words need capitals.
            if previous in PLACE_CUES and len(phrase) > MAX_ABBREVIATION_LENGTH:
                return True
            return " ".join(written for _, written in span) == alias.written
        return True

    def _fuzzy(self, words: List[str]) -> Optional[CountryMatch]:
        """A misspelt country in a short reply, or right after "in", "from", "near"…"""
        best: Optional[Tuple[float, str, str]] = None
        for candidate in _fuzzy_candidates(words):
            if candidate in self.vocabulary.aliases:  # exact, and the sentence scan said no
                continue
            for alias in self._close_names(candidate):
                score = difflib.SequenceMatcher(None, candidate, alias).ratio()
                if best is None or score > best[0]:
                    best = (score, alias, candidate)
        if best is None:
            return None
        country = self.countries[self.vocabulary.aliases[best[1]].code]
        return CountryMatch(country.code, country.name, best[2], fuzzy=True)

    def _close_names(self, candidate: str) -> List[str]:
        """Country names and demonyms close to ``candidate``; cities are too many and too short
        to guess at ("much" is not Munich)."""
        if len(candidate) < MIN_FUZZY_LENGTH:
            return []
        cutoff = SHORT_WORD_CUTOFF if len(candidate) <= SHORT_WORD_LENGTH else LONG_WORD_CUTOFF
        # Misspellings keep the first letter and the number of words: "woman" is not Oman and
        # "no way" is not Norway.
        pool = [
            alias for alias, entry in self.vocabulary.aliases.items()
            if entry.kind != "city" and alias not in self.vocabulary.case_sensitive
            and alias[0] == candidate[0] and alias.count(" ") == candidate.count(" ")
        ]
        return difflib.get_close_matches(candidate, pool, n=3, cutoff=cutoff)


def _fuzzy_candidates(words: List[str]) -> List[str]:
    """Short replies ("Germnay", "new zeland") and the words after a place cue."""
    candidates: List[str] = []
    content = [word for word in words if word not in FILLER_WORDS]
    if 0 < len(content) <= MAX_FUZZY_REPLY_WORDS:
        candidates.append(" ".join(content))
        candidates.extend(content)
    for index, word in enumerate(words):
        if word in FUZZY_CUES:
            following = [w for w in words[index + 1:index + 4] if w != "the"][:2]
            candidates.extend(" ".join(following[:size]) for size in range(1, len(following) + 1))
    return list(dict.fromkeys(candidate for candidate in candidates if candidate))


def _normalise(text: str) -> str:
    """Lower case, accents and full stops dropped, punctuation as spaces: "U.K." -> "uk"."""
    return " ".join(lower for lower, _ in _words(text))


def _words(text: str) -> List[Tuple[str, str]]:
    """(lower case, as written) for each word, without accents, apostrophes or full stops."""
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    plain = re.sub(r"[.'’`]", "", plain)
    return [(word.lower(), word) for word in re.findall(r"[A-Za-z0-9]+", plain)]


def _find_span(words: List[str], phrase: List[str]) -> Optional[int]:
    for start in range(len(words) - len(phrase) + 1):
        if words[start:start + len(phrase)] == phrase:
            return start
    return None


# --- loading and validation ------------------------------------------------------------------

def _website_key(website: str) -> str:
    parts = urlparse(website)
    host = (parts.hostname or "").removeprefix("www.")
    return host + parts.path.rstrip("/")


def load_directory(
    content_dir: Path = CONTENT_DIR, excluded_countries: Optional[Iterable[str]] = None
) -> SupportDirectory:
    """Load and validate both files. ``excluded_countries`` None means: read the env variable."""
    countries, vocabulary = _parse_countries(
        load_schema(CountriesFile, COUNTRIES_FILE, content_dir))
    data = load_schema(DirectoryFile, DIRECTORY_FILE, content_dir)
    organisations = _parse_organisations(data.organisations, countries)
    international_id, centre_finder_id = _parse_hand_off(data.hand_off, organisations)
    excluded = _excluded_codes(excluded_countries, countries)
    return SupportDirectory(
        organisations=tuple(org for org in organisations if _is_listed(org, excluded)),
        countries=countries,
        international_id=international_id,
        centre_finder_id=centre_finder_id,
        excluded_countries=excluded,
        last_reviewed=data.last_reviewed,
        vocabulary=vocabulary,
    )


def _is_listed(org: Organisation, excluded: FrozenSet[str]) -> bool:
    return not org.countries or not set(org.countries) <= excluded


def _excluded_codes(
    raw: Optional[Iterable[str]], countries: Dict[str, Country]
) -> FrozenSet[str]:
    if raw is None:
        raw = os.environ.get(EXCLUDE_ENV_VAR, "").split(",")
    codes = frozenset(code.strip().upper() for code in raw if code and code.strip())
    unknown = sorted(codes - set(countries))
    require(not unknown, EXCLUDE_ENV_VAR, f"unknown country codes {unknown}")
    return codes


def _parse_countries(data: CountriesFile) -> Tuple[Dict[str, Country], _Vocabulary]:
    countries: Dict[str, Country] = {}
    aliases: Dict[str, _Alias] = {}
    for code, entry in data.countries.items():
        here = f"{COUNTRIES_FILE}: countries.{code}"
        kinds = {"name": [entry.name, *entry.other_names], "city": entry.cities,
                 "demonym": entry.demonyms}
        for kind, texts in kinds.items():
            for text in texts:
                _add_alias(aliases, text, _Alias(code, _written(text), kind), here)
        countries[code] = Country(code, entry.name, entry.article)
    case_sensitive = _normalised_set(data.case_sensitive_in_sentences)
    for word in case_sensitive:
        require(word in aliases, f"{COUNTRIES_FILE}: case_sensitive_in_sentences",
                f"{word!r} is no country's name")
    not_countries = _normalised_set(data.not_countries)
    for place in not_countries:
        require(place not in aliases, f"{COUNTRIES_FILE}: not_countries",
                f"{place!r} is also a country's name")
    skip = _normalised_set(data.skip_phrases)
    return countries, _Vocabulary(aliases, case_sensitive, not_countries, skip)


def _normalised_set(texts: Iterable[str]) -> FrozenSet[str]:
    return frozenset(_normalise(text) for text in texts)


def _written(text: str) -> str:
    return " ".join(written for _, written in _words(text))


def _add_alias(aliases: Dict[str, _Alias], text: str, alias: _Alias, where: str) -> None:
    key = _normalise(text)
    require(bool(key), where, f"has an empty name {text!r}")
    owner = aliases.setdefault(key, alias)
    require(owner.code == alias.code, where, f"{text!r} is also listed for {owner.code}")


def _parse_organisations(
    entries: List[OrganisationEntry], countries: Dict[str, Country]
) -> List[Organisation]:
    organisations = []
    for entry in entries:
        unknown = [code for code in entry.countries if code not in countries]
        require(not unknown, f"{DIRECTORY_FILE}: organisations.{entry.id}",
                f"unknown country codes {unknown} (not in {COUNTRIES_FILE})")
        organisations.append(Organisation(**{
            **entry.dict(), "countries": tuple(entry.countries), "offers": tuple(entry.offers)}))
    for field, key in (("id", lambda o: o.id), ("name", lambda o: o.name.casefold()),
                       ("website", lambda o: _website_key(o.website))):
        seen: Dict[str, str] = {}
        for org in organisations:
            value = key(org)
            require(value not in seen, f"{DIRECTORY_FILE}: organisations.{org.id}",
                    f"{field} is the same as for {seen.get(value)}")
            seen[value] = org.id
    return organisations


def _parse_hand_off(hand_off: HandOffEntry, organisations: List[Organisation]) -> Tuple[str, str]:
    by_id = {org.id: org for org in organisations}
    for role, org_id in hand_off.dict().items():
        org = by_id.get(org_id)
        require(org is not None and org.scope == role, f"{DIRECTORY_FILE}: hand_off",
                f"{role} must name an organisation with scope {role}")
    return hand_off.international, hand_off.centre_finder
