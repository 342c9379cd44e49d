"""The widget's own copy of the assistant's words (web/widget/net-widget-texts.js) is generated
from domain.yml, and the committed file is what domain.yml gives today."""
from __future__ import annotations

import json
import re

from net_assistant import widget_texts
from tests.conftest import DOMAIN


def committed_texts() -> dict:
    source = widget_texts.TEXTS_FILE.read_text(encoding="utf-8")
    match = re.fullmatch(r"/\*.*?\*/\nwindow\.NetWidgetTexts = (\{.*\});\n", source, re.S)
    assert match, source
    return json.loads(match.group(1))


def test_the_widget_disclaimer_is_the_domains_utter_disclaimer():
    assert committed_texts()["en"]["disclaimer"] == DOMAIN["responses"]["utter_disclaimer"][0]["text"]


def test_the_committed_file_is_current():
    assert widget_texts.main(["--check"]) == 0
    assert widget_texts.TEXTS_FILE.read_text(encoding="utf-8") == widget_texts.render(DOMAIN)


def test_a_changed_response_makes_the_file_out_of_date(tmp_path, monkeypatch):
    changed = json.loads(json.dumps(DOMAIN))
    changed["responses"]["utter_disclaimer"][0]["text"] = "Something else."
    monkeypatch.setattr(widget_texts, "load_domain", lambda: changed)
    assert widget_texts.main(["--check"]) == 1
    monkeypatch.setattr(widget_texts, "TEXTS_FILE", tmp_path / "texts.js")
    assert widget_texts.main([]) == 0
    assert '"disclaimer": "Something else."' in (tmp_path / "texts.js").read_text()


def test_the_widget_keeps_no_disclaimer_of_its_own():
    scripts = {path.name: path.read_text(encoding="utf-8")
               for path in widget_texts.TEXTS_FILE.parent.glob("net-widget*.js")
               if path != widget_texts.TEXTS_FILE}
    assert {"net-widget.js", "net-widget-main.js", "net-widget-core.js"} <= set(scripts)
    assert not [name for name, source in scripts.items() if "medical advice" in source]
    # The bootstrap takes the disclaimer from the generated file.
    assert "window.NetWidgetTexts" in scripts["net-widget-main.js"]
