"""The import direction of the house: the domain logic (content, knowledge, safety, support)
never imports Rasa, rasa_sdk, Sanic or the adapters, directly or through another module of the
project, so it stays importable and testable without a running Rasa; and the content layer
(loading and schemas) imports none of the domain packages built on it. Read from the source
(AST), not by importing, so a lazy import inside a function counts too."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "net_assistant"
DOMAIN = ("content", "knowledge", "safety", "support")
ADAPTERS = "net_assistant.rasa_adapters"
FORBIDDEN = ("rasa", "rasa_sdk", "sanic", ADAPTERS)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(source: str, module: str = "net_assistant.x") -> Iterator[Tuple[int, str]]:
    """Every module ``source`` imports (line, dotted name), relative imports made absolute."""
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            yield node.lineno, base
            # "from net_assistant import rasa_adapters" names a module, not an attribute
            yield from ((node.lineno, f"{base}.{alias.name}") for alias in node.names
                        if base == "net_assistant")


def is_forbidden(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in FORBIDDEN)


def _sources() -> Dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE_DIR.rglob("*.py")}


def _imports(module: str, sources: Dict[str, Path]) -> List[Tuple[int, str]]:
    path = sources[module]
    within = f"{module}.__init__" if path.name == "__init__.py" else module
    return list(imported_names(path.read_text(encoding="utf-8"), within))


def _project_imports(module: str, sources: Dict[str, Path]) -> Set[str]:
    """The project's modules that ``module`` imports (a package import counts its __init__)."""
    return {name for _, name in _imports(module, sources) if name in sources}


def _domain_modules(sources: Dict[str, Path]) -> List[str]:
    return sorted(name for name in sources
                  if name.split(".")[1:2] and name.split(".")[1] in DOMAIN)


def _violations(start: str, sources: Dict[str, Path]) -> List[str]:
    """Forbidden imports reachable from ``start`` through the project's own modules."""
    found, seen, todo = [], {start}, [(start, start)]
    while todo:
        module, via = todo.pop()
        for line, name in _imports(module, sources):
            if is_forbidden(name):
                found.append(f"{via}: {sources[module].name}:{line} imports {name}")
        for name in _project_imports(module, sources) - seen:
            seen.add(name)
            todo.append((name, f"{via} -> {name}"))
    return found


SOURCES = _sources()


def test_the_domain_packages_exist() -> None:
    for package in DOMAIN + ("rasa_adapters",):
        assert f"net_assistant.{package}" in SOURCES, package


@pytest.mark.parametrize("module", _domain_modules(SOURCES))
def test_the_domain_logic_imports_no_rasa_nor_the_adapters(module: str) -> None:
    assert _violations(module, SOURCES) == []


@pytest.mark.parametrize("module", [m for m in _domain_modules(SOURCES)
                                    if m.startswith("net_assistant.content")])
def test_the_content_layer_imports_no_domain_package(module: str) -> None:
    above = [f"net_assistant.{package}" for package in DOMAIN if package != "content"]
    imports = _project_imports(module, SOURCES)
    assert not [name for name in imports if name.split(".")[:2] in
                [package.split(".") for package in above]]


@pytest.mark.parametrize("source", [
    "import rasa",
    "from rasa.shared.nlu.training_data.message import Message",
    "import sanic.response",
    "from rasa_sdk import Action",
    "def lazy():\n    from net_assistant.rasa_adapters.components import SafetyRuleLayer\n",
    "from net_assistant import rasa_adapters",
    "from ..rasa_adapters import channels",
])
def test_the_check_sees_a_forbidden_import(source: str) -> None:
    names = [name for _, name in imported_names(source, "net_assistant.safety.rules")]
    assert any(map(is_forbidden, names))


@pytest.mark.parametrize("source", ["import spacy", "from net_assistant.nlp import load_pipeline",
                                    "import rasa_like_name", "from .rules import SafetyRule"])
def test_the_check_allows_the_rest(source: str) -> None:
    names = [name for _, name in imported_names(source, "net_assistant.safety.matching")]
    assert not any(map(is_forbidden, names))
