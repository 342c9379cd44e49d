"""The support-group directory: the real content files, broken copies of them, country matching
and the deployment's country exclusion."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

import pytest
import yaml

from net_assistant.content.loading import CONTENT_DIR, ContentError
from net_assistant.support.directory import (
    COUNTRIES_FILE,
    DIRECTORY_FILE,
    EXCLUDE_ENV_VAR,
    SupportDirectory,
    load_directory,
)

EUROPE = (
    "AD AL AM AT AZ BA BE BG BY CH CY CZ DE DK EE ES FI FR GB GE GR HR HU IE IS IT LI LT LU LV "
    "MC MD ME MK MT NL NO PL PT RO RS RU SE SI SK SM TR UA VA XK"
).split()
MOST_POPULOUS = (
    "CN IN US ID PK NG BR BD RU ET MX JP EG PH CD VN IR TR DE TH TZ GB FR ZA IT KE MM CO KR"
).split()


@pytest.fixture(scope="module")
def directory() -> SupportDirectory:
    return load_directory(excluded_countries=())


@pytest.fixture(scope="module")
def raw_directory() -> dict:
    return yaml.safe_load((CONTENT_DIR / DIRECTORY_FILE).read_text(encoding="utf-8"))


# --- the real files ------------------------------------------------------------------------
def test_every_entry_has_the_required_fields(raw_directory):
    for entry in raw_directory["organisations"]:
        for field in ("id", "name", "scope", "website", "offers", "last_checked"):
            assert entry.get(field), (entry.get("id"), field)
        assert isinstance(entry["countries"], list), entry["id"]


def test_websites_are_http_addresses_with_a_host(directory):
    for org in directory.organisations:
        parts = urlparse(org.website)
        assert parts.scheme in ("http", "https"), org.id
        assert parts.hostname and "." in parts.hostname, org.id


def test_country_codes_are_known_and_national_groups_have_them(directory):
    for org in directory.organisations:
        assert all(code in directory.countries for code in org.countries), org.id
        assert bool(org.countries) == (org.scope == "national"), org.id


def test_no_two_entries_share_an_id_name_or_website(directory):
    for key in (lambda o: o.id, lambda o: o.name.lower(), lambda o: o.website.rstrip("/")):
        values = [key(org) for org in directory.organisations]
        assert len(values) == len(set(values))


def test_entries_are_dated(raw_directory, directory):
    assert directory.last_reviewed == "2026-11"
    assert {org.last_checked for org in directory.organisations} == {"2026-11"}


def test_the_source_facts_are_listed_unchanged(directory):
    by_id = {org.id: org for org in directory.organisations}
    assert by_id["netzwerk_net"].website == "http://www.netzwerk-net.de"
    assert by_id["world_net_cancer_day"].website == "http://netcancerday.org/"
    assert by_id["lacnets"].countries == ("US",) and by_id["lacnets"].region
    assert {org.scope for org in directory.organisations} == {
        "international", "centre_finder", "national"
    }
    national_countries = {
        code for org in directory.organisations if org.scope == "national" for code in org.countries
    }
    assert national_countries == {"GB", "AU", "NZ", "CA", "DE", "FR", "IE", "NO", "BE", "NL", "US"}


def test_countries_cover_europe_and_the_most_populous(directory):
    assert len(directory.countries) >= 60
    missing = [code for code in EUROPE + MOST_POPULOUS if code not in directory.countries]
    assert not missing


def test_every_hand_off_offers_the_alliance_and_the_centre_finder(directory):
    for code in (None, "GB", "ES", "IN"):
        hand_off = directory.groups_for(code)
        assert hand_off.international.scope == "international"
        assert hand_off.centre_finder.scope == "centre_finder"
        assert hand_off.organisations[-2:] == (hand_off.international, hand_off.centre_finder)
    assert directory.centre_finder() == directory.groups_for(None).centre_finder


def test_groups_for_a_country_are_the_national_groups_serving_it(directory):
    uk = directory.groups_for("GB")
    assert [org.website for org in uk.national] == ["https://www.neuroendocrinecancer.org.uk/"]
    assert uk.country.in_sentence == "the United Kingdom"
    assert len(directory.groups_for("US").national) == 4
    for code in ("ES", "IN", "IT"):
        assert directory.groups_for(code).national == ()
    assert directory.groups_for(None).country is None


# --- broken copies ---------------------------------------------------------------------------
@pytest.fixture()
def content_copy(tmp_path: Path) -> Path:
    for name in (DIRECTORY_FILE, COUNTRIES_FILE):
        shutil.copy(CONTENT_DIR / name, tmp_path / name)
    return tmp_path


def _edit(folder: Path, name: str, change: Callable[[dict], None]) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _organisation(data: dict, org_id: str) -> dict:
    return next(entry for entry in data["organisations"] if entry["id"] == org_id)


def test_an_unchanged_copy_loads(content_copy):
    assert load_directory(content_copy, excluded_countries=()).groups_for("GB").national


@pytest.mark.parametrize(
    "field", ["name", "scope", "countries", "website", "offers", "last_checked"]
)
def test_a_missing_field_is_reported(content_copy, field):
    _edit(content_copy, DIRECTORY_FILE, lambda data: _organisation(data, "carcinor").pop(field))
    with pytest.raises(ContentError, match=rf"{DIRECTORY_FILE}.*carcinor.*{field}"):
        load_directory(content_copy, excluded_countries=())


@pytest.mark.parametrize(
    "website",
    ["www.carcinor.no", "ftp://www.carcinor.no/", "https://", "https://carcinor", "carcinor",
     "https://www.carcinor .no/"],
)
def test_a_malformed_website_is_reported(content_copy, website):
    _edit(content_copy, DIRECTORY_FILE,
          lambda data: _organisation(data, "carcinor").update(website=website))
    with pytest.raises(ContentError, match=r"carcinor.*website"):
        load_directory(content_copy, excluded_countries=())


def test_an_unknown_country_code_is_reported(content_copy):
    _edit(content_copy, DIRECTORY_FILE,
          lambda data: _organisation(data, "carcinor").update(countries=["XX"]))
    with pytest.raises(ContentError, match=r"carcinor.*unknown country codes \['XX'\]"):
        load_directory(content_copy, excluded_countries=())


def test_a_national_group_without_countries_is_reported(content_copy):
    _edit(content_copy, DIRECTORY_FILE,
          lambda data: _organisation(data, "carcinor").update(countries=[]))
    with pytest.raises(ContentError, match="carcinor.*national group needs countries"):
        load_directory(content_copy, excluded_countries=())


def test_an_unknown_scope_is_reported(content_copy):
    _edit(content_copy, DIRECTORY_FILE,
          lambda data: _organisation(data, "carcinor").update(scope="local"))
    with pytest.raises(ContentError, match="carcinor.*scope"):
        load_directory(content_copy, excluded_countries=())


@pytest.mark.parametrize(
    "field, value",
    [
        ("id", "apted"),
        ("name", "apted (Association des Patients porteurs de Tumeurs Endocrines Diverses)"),
        ("website", "https://apted.fr"),
    ],
)
def test_duplicates_are_reported(content_copy, field, value):
    _edit(content_copy, DIRECTORY_FILE,
          lambda data: _organisation(data, "carcinor").update({field: value}))
    with pytest.raises(ContentError, match=f"{field} is the same as for"):
        load_directory(content_copy, excluded_countries=())


def test_a_hand_off_to_a_national_group_is_reported(content_copy):
    _edit(content_copy, DIRECTORY_FILE, lambda data: data["hand_off"].update(international="apted"))
    with pytest.raises(ContentError, match="hand_off"):
        load_directory(content_copy, excluded_countries=())


def test_a_country_key_read_as_false_is_reported(content_copy):
    path = content_copy / COUNTRIES_FILE
    path.write_text(path.read_text(encoding="utf-8").replace('  "NO":', "  NO:"), encoding="utf-8")
    with pytest.raises(ContentError, match=f"{COUNTRIES_FILE}: countries: key 'False'.*quote"):
        load_directory(content_copy, excluded_countries=())


def test_a_name_listed_for_two_countries_is_reported(content_copy):
    _edit(content_copy, COUNTRIES_FILE,
          lambda data: data["countries"]["IE"]["cities"].append("Manchester"))
    with pytest.raises(ContentError, match=r"countries.IE.*'Manchester' is also listed for GB"):
        load_directory(content_copy, excluded_countries=())


ORG = r"organisations\[\d+\] \(carcinor\)"


@pytest.mark.parametrize(
    "name, change, expected",
    [
        (DIRECTORY_FILE, lambda d: _organisation(d, "carcinor").update(webiste="https://x.no/"),
         rf"{DIRECTORY_FILE}: {ORG}\.webiste: is not a known key"),
        (DIRECTORY_FILE, lambda d: _organisation(d, "carcinor").update(offers="support"),
         rf"{DIRECTORY_FILE}: {ORG}\.offers: must be a list"),
        (DIRECTORY_FILE, lambda d: d["hand_off"].update(centre_findr="enets_centres"),
         rf"{DIRECTORY_FILE}: hand_off\.centre_findr: is not a known key"),
        (DIRECTORY_FILE, lambda d: d.update(last_reviewed=202611),
         rf"{DIRECTORY_FILE}: last_reviewed: must be text"),
        (COUNTRIES_FILE, lambda d: d["countries"]["GB"].update(citys=["Leeds"]),
         rf"{COUNTRIES_FILE}: countries\.GB\.citys: is not a known key"),
        (COUNTRIES_FILE, lambda d: d["countries"]["IE"].update(name=5),
         rf"{COUNTRIES_FILE}: countries\.IE\.name: must be text"),
        (COUNTRIES_FILE, lambda d: d.update(skip_phrase=["pass"]),
         rf"{COUNTRIES_FILE}: skip_phrase: is not a known key"),
        (COUNTRIES_FILE, lambda d: d.update(not_countries="Europe"),
         rf"{COUNTRIES_FILE}: not_countries: must be a list"),
    ],
)
def test_typos_and_wrong_types_name_the_file_and_key_path(content_copy, name, change, expected):
    _edit(content_copy, name, change)
    with pytest.raises(ContentError, match=expected):
        load_directory(content_copy, excluded_countries=())


def test_an_unquoted_date_and_a_blank_list_load_as_before(content_copy):
    _edit(content_copy, DIRECTORY_FILE, lambda data: _organisation(data, "carcinor").update(
        last_checked=date(2026, 11, 5)))
    _edit(content_copy, COUNTRIES_FILE, lambda data: data["countries"]["GB"].update(cities=None))
    directory = load_directory(content_copy, excluded_countries=())
    assert directory.organisation("carcinor").last_checked == "2026-11-05"
    assert directory.match_country("Manchester") is None


def test_a_missing_file_is_reported(content_copy):
    (content_copy / COUNTRIES_FILE).unlink()
    with pytest.raises(ContentError, match=f"{COUNTRIES_FILE}: file not found"):
        load_directory(content_copy, excluded_countries=())


# --- recognising countries ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text, code",
    [
        # names and other names, any case
        ("Germany", "DE"), ("GERMANY", "DE"), ("spain", "ES"), ("India", "IN"), ("UK", "GB"),
        ("u.k.", "GB"), ("Britain", "GB"), ("England", "GB"), ("Scotland", "GB"), ("Wales", "GB"),
        ("Northern Ireland", "GB"), ("Ireland", "IE"), ("Holland", "NL"), ("the Netherlands", "NL"),
        ("USA", "US"), ("us", "US"), ("New Zealand", "NZ"), ("Côte d'Ivoire", "CI"),
        # demonyms
        ("British", "GB"), ("I'm Irish", "IE"), ("we're German", "DE"), ("Dutch", "NL"),
        ("I'm a Kiwi", "NZ"), ("Aussie", "AU"), ("Northern Irish", "GB"),
        # cities
        ("London", "GB"), ("manchester", "GB"), ("Dublin", "IE"), ("Berlin", "DE"),
        ("Munich", "DE"), ("München", "DE"), ("Paris", "FR"), ("Oslo", "NO"), ("Brussels", "BE"),
        ("Amsterdam", "NL"), ("Sydney", "AU"), ("Melbourne", "AU"), ("Auckland", "NZ"),
        ("Toronto", "CA"), ("Los Angeles", "US"), ("New York", "US"), ("Madrid", "ES"),
        ("Rome", "IT"), ("Zurich", "CH"),
        # in a sentence
        ("I'm in germany", "DE"), ("we live near Manchester", "GB"),
        ("my husband and I are based in Cork", "IE"), ("I live in the US", "US"),
        ("I live in turkey", "TR"), ("are there support groups in Belgium?", "BE"),
        ("im in the us", "US"), ("I live in British Columbia", "CA"),
        ("I'm from Ireland but I live in London now", "GB"),
        ("I'm in Europe, in Norway", "NO"),
    ],
)
def test_countries_are_recognised(directory, text, code):
    match = directory.match_country(text)
    assert match is not None and match.code == code
    assert match.name == directory.countries[code].name
    assert not match.fuzzy


@pytest.mark.parametrize(
    "text, code",
    [
        ("Germnay", "DE"), ("Irland", "IE"), ("netherland", "NL"), ("Frnace", "FR"),
        ("Swizerland", "CH"), ("Belguim", "BE"), ("new zeland", "NZ"), ("Austrlia", "AU"),
        ("I'm in germnay", "DE"), ("we live in Irland", "IE"), ("I'm Germna", "DE"),
    ],
)
def test_misspellings_are_recognised(directory, text, code):
    match = directory.match_country(text)
    assert match is not None and (match.code, match.fuzzy) == (code, True)


@pytest.mark.parametrize(
    "text",
    [
        "Atlantis", "I live in Atlantis", "Narnia", "asdfgh", "xyz", "", "   ", "?!", "woman",
        "tell us more", "is there a group near us?", "I'm in South America", "hello",
        "what's the weather like", "can you answer in English?", "I had a turkey sandwich",
        "what are the side effects of chemo", "support groups", "/ask_support_groups",
        # everyday words that look like places
        "thanks so much", "it's all too much", "quit", "no way", "is santa real", "hullo",
        "vegan curry recipe", "I'm so tired of being ill", "whose",
    ],
)
def test_other_text_names_no_country(directory, text):
    assert directory.match_country(text) is None


def test_misspelt_cities_are_not_guessed(directory):
    """There are too many short city names that look like everyday words ("much", "Munich")."""
    assert directory.match_country("Manchester").code == "GB"
    assert directory.match_country("Manchestr") is None


@pytest.mark.parametrize(
    "text",
    ["skip", "Skip!", "I'd rather not say", "no thanks", "doesn't matter", "prefer not to say",
     "It doesn't matter", "pass", "No thank you."],
)
def test_skip_phrases(directory, text):
    assert directory.is_skip(text)


@pytest.mark.parametrize(
    "text",
    ["Germany", "", "I'm in Germany", "how do I pass the time during an infusion?",
     "no group in my country?"],
)
def test_other_replies_are_not_skips(directory, text):
    assert not directory.is_skip(text)


# --- deployment exclusion ------------------------------------------------------------------
def test_excluded_countries_hide_their_groups():
    full = load_directory(excluded_countries=())
    limited = load_directory(excluded_countries=["US", "ca", " FR "])
    assert limited.excluded_countries == {"US", "CA", "FR"}
    hidden = {org.id for org in full.organisations} - {org.id for org in limited.organisations}
    assert hidden == {
        org.id for org in full.organisations if set(org.countries) & {"US", "CA", "FR"}
    }
    assert hidden  # the real file has groups in these countries
    for code in ("US", "CA", "FR"):
        assert full.groups_for(code).national and not limited.groups_for(code).national
        assert limited.groups_for(code).international == full.groups_for(code).international
    assert limited.groups_for("GB") == full.groups_for("GB")
    assert limited.match_country("Paris").code == "FR"  # still recognised, just not listed


def test_exclusion_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv(EXCLUDE_ENV_VAR, "US,CA")
    from_env = load_directory()
    assert from_env.excluded_countries == {"US", "CA"}
    assert not from_env.groups_for("US").national
    assert from_env.groups_for("FR").national
    monkeypatch.delenv(EXCLUDE_ENV_VAR)
    assert load_directory().groups_for("US").national


def test_an_argument_overrides_the_environment(monkeypatch):
    monkeypatch.setenv(EXCLUDE_ENV_VAR, "US")
    assert load_directory(excluded_countries=()).groups_for("US").national


def test_an_unknown_excluded_code_is_a_configuration_error(monkeypatch):
    monkeypatch.setenv(EXCLUDE_ENV_VAR, "US,XX")
    with pytest.raises(ContentError, match=rf"{EXCLUDE_ENV_VAR}.*XX"):
        load_directory()
