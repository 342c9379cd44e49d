"""The README's table of dependencies with published advisories stays true to the lock file and
to Rasa 3.6's declared requirements, so `make lock` cannot make it stale without a failing test:
every listed version is the one locked, and the version that fixes each advisory is one Rasa
does not allow (else the package should be upgraded, not listed)."""
from __future__ import annotations

import importlib.metadata
import re
from typing import Dict, List, Tuple

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from net_assistant.content.loading import PROJECT_DIR

SECTION = "### Dependencies with published advisories"
_FIXED_IN = re.compile(r"\(([\d.]+(?:, [\d.]+)*)\)")


def advisory_rows() -> List[Tuple[str, str, str]]:
    """(package, locked version, advisory text) per package of the README's table."""
    text = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    table = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"[\d.]+", cells[1]):
            rows += [(name.strip(), cells[1], cells[3]) for name in cells[0].split(",")]
    return rows


def locked_versions() -> Dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.\[\]-]+)==([^\s;\\]+)",
                      (PROJECT_DIR / "requirements.lock").read_text(), re.MULTILINE)
    return {canonicalize_name(name.split("[")[0]): version for name, version in pins}


def rasa_requirement(package: str) -> Requirement | None:
    """Rasa's own requirement on ``package`` for this Python, if it names it directly."""
    for line in importlib.metadata.requires("rasa") or []:
        requirement = Requirement(line)
        if canonicalize_name(requirement.name) == canonicalize_name(package) and (
                requirement.marker is None or requirement.marker.evaluate()):
            return requirement
    return None


ROWS = advisory_rows()


def test_the_table_lists_the_packages_named_in_the_issue() -> None:
    assert {name for name, _, _ in ROWS} >= {
        "aiohttp", "protobuf", "tensorflow", "keras", "scikit-learn", "sentry-sdk", "dnspython",
        "pymongo"}


@pytest.mark.parametrize("package, version, advisory", ROWS, ids=[row[0] for row in ROWS])
def test_each_listed_version_is_locked_and_its_fix_is_beyond_what_rasa_allows(
        package: str, version: str, advisory: str) -> None:
    assert locked_versions()[canonicalize_name(package)] == version
    requirement = rasa_requirement(package)
    if requirement is None:
        return  # pinned through another package (keras: tensorflow's own pin)
    assert requirement.specifier.contains(version, prereleases=True), requirement
    fixed = _FIXED_IN.findall(advisory)
    assert fixed, f"{package}: the advisory names no version that fixes it"
    for fixed_in in (version for group in fixed for version in group.split(", ")):
        assert not requirement.specifier.contains(Version(fixed_in), prereleases=True), (
            f"{package} {fixed_in} fixes the advisory and Rasa allows it ({requirement}):"
            " upgrade it in requirements.lock instead of listing it")
