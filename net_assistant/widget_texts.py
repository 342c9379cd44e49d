"""The widget's copy of the assistant's own words, generated from domain.yml (the copy deck).

The chat widget shows the medical disclaimer before anyone has written, so before the server
has said anything: it loads ``web/widget/net-widget-texts.js``, which this module writes from
the domain's responses, so the widget and the assistant say the same words. ``make setup``
regenerates it when domain.yml changes; ``tests/test_widget_texts.py`` fails if the committed
file differs from what domain.yml gives.

    python -m net_assistant.widget_texts          # write the file
    python -m net_assistant.widget_texts --check  # exit 1 if it is out of date
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

from net_assistant.content.loading import PROJECT_DIR

DOMAIN_FILE = PROJECT_DIR / "domain.yml"
TEXTS_FILE = PROJECT_DIR / "web" / "widget" / "net-widget-texts.js"
LANGUAGE = "en"  # the domain's language (config.yml)
# The widget's setting -> the domain response whose text it shows.
RESPONSES = {"disclaimer": "utter_disclaimer"}
HEADER = ("/* Generated from domain.yml by `make setup` (python -m net_assistant.widget_texts):\n"
          " * do not edit; change the response in domain.yml instead. */\n")


def widget_texts(domain: Dict[str, Any]) -> Dict[str, Dict[str, str]]:
    """{language: {widget text: the response's text}}."""
    return {LANGUAGE: {key: domain["responses"][name][0]["text"]
                       for key, name in RESPONSES.items()}}


def render(domain: Dict[str, Any]) -> str:
    texts = json.dumps(widget_texts(domain), ensure_ascii=False, indent=2, sort_keys=True)
    return f"{HEADER}window.NetWidgetTexts = {texts};\n"


def load_domain(path: Path = DOMAIN_FILE) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the file is current")
    args = parser.parse_args(argv)
    wanted = render(load_domain())
    current = TEXTS_FILE.read_text(encoding="utf-8") if TEXTS_FILE.exists() else None
    if args.check:
        if current != wanted:
            print(f"{TEXTS_FILE} is out of date: run python -m net_assistant.widget_texts")
            return 1
        return 0
    if current != wanted:
        TEXTS_FILE.write_text(wanted, encoding="utf-8")
        print(f"Wrote {TEXTS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
