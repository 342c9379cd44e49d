"""When the server can't be reached, reconnecting, and the REST channel alternative."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WCAG_AA_TEXT = 4.5
UNREACHABLE = re.compile(r"can't reach the assistant.*reconnect.*emergency", re.S)
RECONNECT_TIMEOUT_MS = 20_000


def closed_port_url() -> str:
    import socket

    with socket.socket() as sock:  # bound, never listening: connections are refused
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_clear_message_when_the_server_is_unreachable(open_widget_page):
    widget = open_widget_page()
    widget.goto(closed_port_url())
    widget.open()

    expect(widget.status).to_be_visible(timeout=RECONNECT_TIMEOUT_MS)
    expect(widget.status).to_have_text(UNREACHABLE)
    expect(widget.send_button).to_have_attribute("aria-disabled", "true")
    ratio = widget.contrast_ratios([("status", ".netw-status", None)])["status"]
    assert ratio >= WCAG_AA_TEXT

    widget.ask("What is PRRT?")
    expect(widget.status).to_contain_text("your message was not sent")
    expect(widget.input).to_have_value("What is PRRT?")  # nothing typed is lost
    expect(widget.log.locator(".netw-msg")).to_have_count(0)


def test_the_widget_reconnects_by_itself_and_carries_on(open_widget_page, rasa_proxy):
    widget = open_widget_page()
    widget.goto(rasa_proxy.url)
    widget.open()
    first = widget.ask_and_wait("What is PRRT?", ["answer"])

    rasa_proxy.stop()
    expect(widget.status).to_have_text(UNREACHABLE, timeout=RECONNECT_TIMEOUT_MS)

    rasa_proxy.start()
    expect(widget.status).to_contain_text("Connected again", timeout=RECONNECT_TIMEOUT_MS)
    expect(widget.send_button).not_to_have_attribute("aria-disabled", "true")
    follow_up = widget.ask_and_wait("How is it given?", ["answer", "fallback"])
    assert follow_up["topic"] == first["topic"]  # the same conversation, not a new one
    assert len(set(widget.confirmed_sessions())) == 1
    assert widget.session_requests()[1:] == widget.confirmed_sessions()[:1]  # asked to continue
    expect(widget.status).to_be_hidden(timeout=10_000)


def test_rest_channel_alternative(open_widget_page, rasa_url):
    widget = open_widget_page()
    widget.goto(rasa_url, transport="rest")
    widget.open()
    widget.wait_until_connected()

    with widget.page.expect_response(lambda r: r.url.endswith("/webhooks/rest/webhook")) as reply:
        widget.ask("What is PRRT?")
    messages = reply.value.json()
    meta = next(m["custom"] for m in messages if m.get("custom", {}).get("kind") == "answer")

    answer = widget.log.locator("[data-kind=answer]")
    expect(answer.locator(".netw-citation")).to_have_text(meta["citation"])
    buttons = [b for m in messages for b in m.get("buttons") or []]
    rating = meta["feedback"]["payloads"]  # shown in the rating row, not as suggestions
    suggested = [b["title"] for b in buttons if b["payload"] not in rating]
    assert suggested and widget.quick_replies.all_inner_texts() == suggested
    expect(answer.get_by_role("group", name=meta["feedback"]["question"]).get_by_role(
        "button")).to_have_text([b["title"] for b in buttons if b["payload"] in rating])
    shown = widget.message_texts()
    widget.page.reload()
    expect(widget.log.locator(".netw-msg")).to_have_count(len(shown))
    assert widget.message_texts() == shown
