"""The take-away summary ("Save this conversation"): a print view and a text file made in the
browser, holding exactly the answers given with their citations, the hand-offs shown and the
disclaimer, and nothing else."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest
from playwright.sync_api import expect

from tests.conftest import DOMAIN

pytestmark = pytest.mark.browser

TITLE = "NET treatment information"  # the demo page's data-title
DISCLAIMER = DOMAIN["responses"]["utter_disclaimer"][0]["text"]
SUMMARY_BLOCKS_JS = """() => [...document.querySelectorAll(
    '.netw-summary-content h3, .netw-summary-content p')].map(node => node.textContent)"""


def shown_items(bot_events: List[Any]) -> List[Dict[str, Any]]:
    """Each bot turn as the server sent it: its paragraphs, closed by its metadata."""
    items, texts = [], []
    for event in bot_events:
        if not isinstance(event, dict):
            continue
        if event.get("text"):
            texts.append(event["text"])
        elif isinstance(event.get("custom"), dict):
            items.append({"paragraphs": texts, "custom": event["custom"]})
            texts = []
    return items


def expected_blocks(bot_events: List[Any]) -> List[str]:
    """The title and the disclaimer, then each answer (without its citation paragraph, then the
    citation) and each hand-off that listed organisations, in order."""
    blocks = [TITLE, DISCLAIMER]
    for item in shown_items(bot_events):
        custom = item["custom"]
        if custom["kind"] == "answer":
            citation = custom["citation"]
            blocks += [p for p in item["paragraphs"] if p.strip() != citation] + [citation]
        elif custom.get("organisations"):
            blocks += item["paragraphs"]
    return blocks


def have_a_conversation(widget) -> None:
    widget.open()
    expect(widget.page.get_by_role("button", name="Save this conversation")).to_be_hidden()
    widget.ask_and_wait("What is PRRT?", ["answer"])
    widget.ask_and_wait("How is lanreotide given?", ["answer"])
    since = len(widget.bot_events())
    widget.log.get_by_role("button", name="Helpful (rate this answer)", exact=True).click()
    widget.wait_for_metadata(["feedback"], since)
    widget.ask_and_wait("Should I have PRRT?", ["escalation"])
    widget.ask_and_wait("hello", ["smalltalk"])
    widget.ask_and_wait("Are there support groups in Ireland?", ["support"])


def test_the_summary_holds_the_answers_citations_hand_offs_and_disclaimer_only(widget):
    have_a_conversation(widget)
    expected = expected_blocks(widget.bot_events())
    kinds = [item["custom"]["kind"] for item in shown_items(widget.bot_events())]
    assert kinds.count("answer") == 2 and {"escalation", "smalltalk", "feedback", "support"} <= set(kinds)
    assert len(expected) > 6

    requests: List[str] = []
    widget.page.on("request", lambda request: requests.append(request.url))
    frames_sent = len(widget.sent)
    save = widget.page.get_by_role("button", name="Save this conversation")
    save.click()
    dialog = widget.page.get_by_role("dialog", name="Save this conversation")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Print")).to_be_focused()
    assert widget.page.evaluate(SUMMARY_BLOCKS_JS) == expected

    # The text file: the same blocks, made in the page.
    with widget.page.expect_download() as download:
        dialog.get_by_role("link", name="Download as text").click()
    assert download.value.suggested_filename.startswith("net-conversation-")
    text = open(download.value.path(), encoding="utf-8").read()
    assert text == "\n\n".join(expected) + "\n"

    # Printing shows the summary and nothing else of the page or the chat.
    widget.page.emulate_media(media="print")
    printed = widget.page.locator("body").inner_text()
    assert printed.split() == " ".join(expected).split()
    widget.page.emulate_media(media="screen")

    # Nothing was sent anywhere.
    assert [url for url in requests if url.startswith("http")] == []
    assert len(widget.sent) == frames_sent

    widget.page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(save).to_be_focused()
    expect(widget.panel).to_be_visible()


def test_the_summary_dialog_keeps_the_keyboard_inside_it(widget):
    widget.open()
    widget.ask_and_wait("What is PRRT?", ["answer"])
    widget.page.get_by_role("button", name="Save this conversation").click()
    dialog = widget.page.get_by_role("dialog", name="Save this conversation")
    names = []
    for _ in range(4):
        widget.page.keyboard.press("Tab")
        names.append(widget.page.evaluate("document.activeElement.textContent"))
    assert names == ["Download as text", "Close", "Print", "Download as text"]
    expect(widget.input).not_to_be_focused()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)
