"""No HTML injection from either side: what people and the server write is shown as text."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ALL_KINDS = ["answer", "escalation", "emergency", "support", "fallback", "smalltalk"]
IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
MARKUP = ".netw-root img, .netw-root b, .netw-root i, .netw-root script, .netw-root iframe"


def test_markup_typed_by_a_person_is_shown_as_text(widget):
    widget.open()
    widget.ask_and_wait(IMG_PAYLOAD, ALL_KINDS)

    expect(widget.user_messages.last.locator(".netw-para")).to_have_text(f"You: {IMG_PAYLOAD}")
    expect(widget.page.locator(MARKUP)).to_have_count(0)
    widget.page.reload()  # and again when the history is drawn from storage
    expect(widget.user_messages.last.locator(".netw-para")).to_have_text(f"You: {IMG_PAYLOAD}")
    expect(widget.page.locator(MARKUP)).to_have_count(0)
    widget.page.wait_for_timeout(300)
    assert widget.dialogs == [] and widget.errors == []


def test_markup_and_unsafe_links_from_the_server_are_shown_as_text(routed):
    widget = routed.widget
    widget.open()
    widget.wait_until_connected()
    widget.ask("What is PRRT?")
    expect(widget.log.locator("[data-kind=answer]")).to_have_count(1, timeout=60_000)
    widget.page.evaluate("() => { window.pwned = [] }")

    routed.inject(
        {"text": '<img src=x onerror="pwned.push(1)"> <b>bold</b> javascript:pwned.push(2) '
                 "and https://example.org/a."},
        {"text": "Source: <i>not a tag</i>"},
        {"text": "Pick one", "quick_replies": [
            {"content_type": "text", "title": "<img src=x onerror=pwned.push(3)>", "payload": "/greet"}]},
        {"custom": {"kind": "support", "citation": "Source: <i>not a tag</i>", "organisations": [
            {"id": "bad", "name": "<b>Bad</b>", "website": "javascript:pwned.push(4)", "country": "X"},
            {"id": "good", "name": "Good <i>org</i>", "website": "https://example.org/good",
             "country": "UK"}]}},
    )

    forged = widget.bot_messages.last
    expect(forged).to_have_attribute("data-kind", "support")
    expect(forged.locator(".netw-body")).to_contain_text(
        '<img src=x onerror="pwned.push(1)"> <b>bold</b> javascript:pwned.push(2)')
    expect(forged.locator(".netw-citation")).to_have_text("Source: <i>not a tag</i>")
    expect(forged.get_by_role("button", name="<img src=x onerror=pwned.push(3)>")).to_be_visible()
    expect(widget.page.locator(MARKUP)).to_have_count(0)

    # Only the http(s) address became a link, and it opens in a new tab without an opener.
    links = forged.get_by_role("link")
    expect(links).to_have_count(2)
    text_link = forged.locator(".netw-body").get_by_role("link")
    expect(text_link).to_have_attribute("href", "https://example.org/a")
    organisation = forged.get_by_role("list", name="Support organisations").get_by_role("link")
    expect(organisation).to_have_count(1)
    expect(organisation).to_contain_text("Good <i>org</i> (UK)")
    expect(organisation).to_have_attribute("href", "https://example.org/good")
    for link in links.all():
        expect(link).to_have_attribute("target", "_blank")
        assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
        expect(link).to_contain_text("(opens in a new tab)")

    ratios = widget.contrast_ratios([("link", ".netw-body a", None), ("organisation", ".netw-org", None)])
    assert min(ratios.values()) >= 4.5, ratios  # WCAG AA for the links' text too

    forged.get_by_role("button", name="<img src=x onerror=pwned.push(3)>").click()
    expect(widget.user_messages.last).to_contain_text("<img src=x onerror=pwned.push(3)>")
    widget.page.wait_for_timeout(300)
    assert widget.page.evaluate("() => window.pwned") == []
    assert widget.dialogs == [] and widget.errors == []
