"""An automated accessibility scan: axe-core (pinned in package.json, installed by `npm ci` in
`make setup`) run on the demo page in each of the widget's states. Any serious or critical
violation fails, naming the state, the rule and the elements."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest
from playwright.sync_api import expect

from net_assistant.content.loading import PROJECT_DIR

pytestmark = pytest.mark.browser

AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
# Everything axe checks (WCAG 2.0-2.2 A/AA and best practices); results as JSON.
RUN_AXE = """() => axe.run(document).then(result => ({
    version: axe.version, passes: result.passes.length,
    incomplete: result.incomplete.map(v => `${v.id} (${v.impact})`),
    violations: result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                  summary: n.failureSummary}))}))}))"""


def scan(widget) -> Dict[str, Any]:
    """axe's violations on the page as it is now (axe injected through the DevTools protocol,
    so the page's Content-Security-Policy, which allows no inline script, is not touched)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make setup` (npm ci installs axe-core)")
    if widget.page.evaluate("typeof window.axe") == "undefined":
        widget.page.evaluate(AXE.read_text(encoding="utf-8"))
    return widget.page.evaluate(RUN_AXE)


def failures(state: str, result: Dict[str, Any]) -> List[str]:
    return [f"[{state}] {v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
                f"    {n['target']}: {n['html']}\n      {n['summary']}" for n in v["nodes"])
            for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


def test_no_serious_or_critical_violation_in_any_state_of_the_widget(widget):
    found: List[str] = []
    scanned: List[str] = []

    def check(state: str) -> None:
        result = scan(widget)
        scanned.append(f"{state}: axe {result['version']}, {result['passes']} rules passed, "
                       f"{len(result['violations'])} violations of any impact; to review by "
                       f"hand: {', '.join(result['incomplete']) or 'none'}")
        found.extend(failures(state, result))

    check("closed")
    widget.open()
    widget.wait_until_connected()
    check("open")
    widget.ask_and_wait("What is PRRT?", ["answer"])
    expect(widget.bot_messages.last.locator(".netw-citation")).to_be_visible()
    check("an answer")
    widget.ask_and_wait("Should I have PRRT?", ["escalation"])
    check("an escalation")
    widget.ask_and_wait("I have crushing chest pain", ["emergency"])
    expect(widget.log.get_by_role("alert")).to_be_visible()
    check("an emergency")
    widget.ask_and_wait("Are there support groups in Ireland?", ["support"])
    expect(widget.log.locator(".netw-orgs").last).to_be_visible()
    check("the support list")
    widget.ask_and_wait("How is lanreotide given?", ["answer"])
    since = len(widget.bot_events())
    widget.log.get_by_role("button", name="Not helpful (rate this answer)").click()
    widget.wait_for_metadata(["feedback"], since)
    expect(widget.bot_messages.last.locator(".netw-feedback")).not_to_have_attribute("role", "group")
    check("feedback given")
    widget.page.get_by_role("button", name="Save this conversation").click()
    expect(widget.page.get_by_role("dialog")).to_be_visible()
    check("the summary")

    print("\n".join(scanned))
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)


def test_no_serious_or_critical_violation_on_a_phone(open_widget_page, rasa_url):
    widget = open_widget_page(viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True)
    widget.goto(rasa_url)
    widget.open()
    widget.ask_and_wait("What is PRRT?", ["answer"])
    found = failures("phone, an answer", scan(widget))
    widget.page.get_by_role("button", name="Save this conversation").click()
    found += failures("phone, the summary", scan(widget))
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)


def test_nothing_is_left_for_review_on_the_widget(widget):
    """axe could not tell whether the close button's "×" was part of its name (it reports that
    as "needs review"); with an icon instead, nothing of the widget is left to review."""
    widget.open()
    widget.ask_and_wait("What is PRRT?", ["answer"])
    result = scan(widget)
    serious = tuple(f"({impact})" for impact in FAILING_IMPACTS)
    assert [item for item in result["incomplete"] if item.endswith(serious)] == []


def test_the_scan_catches_a_violation(widget):
    """The scan is live: a control without a name on the page is reported as critical."""
    widget.page.evaluate("""() => { const b = document.createElement('button');
                                    document.querySelector('main').appendChild(b); }""")
    found = failures("broken", scan(widget))
    assert any(line.startswith("[broken] button-name (critical)") for line in found), found
