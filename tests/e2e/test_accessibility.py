"""Keyboard-only use, what a screen reader is given, and WCAG AA colour contrast."""
from __future__ import annotations

import re
from typing import List

import pytest
from playwright.sync_api import expect

from tests.conftest import DOMAIN

pytestmark = pytest.mark.browser

WCAG_AA_TEXT = 4.5  # contrast ratio for normal-size text
MAX_TABS = 40
COLOUR_PAIRS = [
    ("launcher", ".netw-launcher", None),
    ("title", ".netw-title", None),
    ("close button", ".netw-close", None),
    ("new conversation", ".netw-new", None),
    ("disclaimer", ".netw-disclaimer", None),
    ("user bubble", ".netw-msg--user .netw-para", None),
    ("answer", "[data-kind=answer] .netw-para", None),
    ("citation", ".netw-citation", None),
    ("quick reply", ".netw-quick-reply", None),
    ("emergency", "[data-kind=emergency] .netw-para", None),
    ("emergency label", ".netw-badge--emergency", None),
    ("escalation", "[data-kind=escalation] .netw-para", None),
    ("escalation label", ".netw-badge--escalation", None),
    ("input", ".netw-input", None),
    ("placeholder", ".netw-input", "::placeholder"),
    ("send", ".netw-send", None),
]


def test_controls_have_names_and_the_conversation_is_a_live_log(widget):
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    widget.open()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.panel).to_be_visible()  # a region named by the widget's title
    expect(widget.panel).to_have_accessible_description(
        DOMAIN["responses"]["utter_disclaimer"][0]["text"])
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(widget.panel.get_by_role("button", name="Close chat")).to_be_visible()
    expect(widget.panel.get_by_role("button", name="New conversation")).to_be_visible()
    expect(widget.input).to_be_visible()
    expect(widget.send_button).to_be_visible()
    widget.ask_and_wait("What is PRRT?", ["answer"])
    # Each bubble says who speaks, for listeners who cannot see the bubbles' sides.
    expect(widget.user_messages.last).to_contain_text("You: What is PRRT?")
    expect(widget.bot_messages.last.locator(".netw-sr-only").first).to_have_text("Assistant: ")
    expect(widget.page.get_by_role("group", name="Suggested replies")).to_be_visible()
    # Nothing focusable is unnamed.
    unnamed = widget.page.evaluate(
        """() => [...document.querySelectorAll('.netw-root button, .netw-root a, .netw-root input')]
                 .filter(node => !(node.getAttribute('aria-label') || node.labels?.length
                                   || node.textContent.trim()))
                 .map(node => node.outerHTML)"""
    )
    assert unnamed == []


def focused(widget) -> str:
    """A short description of the focused element: its role-ish tag and its name."""
    return widget.page.evaluate(
        """() => { const n = document.activeElement;
                   return n.tagName.toLowerCase() + ':' + (n.getAttribute('aria-label')
                          || (n.labels && n.labels[0] && n.labels[0].textContent)
                          || n.textContent || '').trim().slice(0, 60); }"""
    )


def tab_until(widget, pattern: str, key: str = "Tab") -> List[str]:
    seen = []
    for _ in range(MAX_TABS):
        widget.page.keyboard.press(key)
        seen.append(focused(widget))
        if re.search(pattern, seen[-1]):
            return seen
    raise AssertionError(f"{pattern!r} never got the focus; focus went {seen}")


def test_the_widget_works_with_the_keyboard_alone(widget):
    keyboard = widget.page.keyboard
    tab_until(widget, r"^button:.*Chat with our assistant")
    keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.input).to_be_focused()

    since = len(widget.bot_events())
    keyboard.type("What is PRRT?")
    keyboard.press("Enter")
    widget.wait_for_metadata(["answer"], since)
    expect(widget.bot_messages.last.locator(".netw-citation")).to_be_visible()
    expect(widget.input).to_be_focused()
    expect(widget.input).to_have_value("")

    # Back from the text box to the suggested replies, and pick one with Enter.
    reply = widget.quick_replies.last
    title = reply.inner_text()
    tab_until(widget, "^button:" + re.escape(title), key="Shift+Tab")
    since = len(widget.bot_events())
    keyboard.press("Enter")
    expect(widget.user_messages.last).to_contain_text(title)
    expect(widget.input).to_be_focused()  # focus is not lost with the used-up buttons
    widget.wait_for_metadata(["answer", "fallback"], since)

    # Tab goes round every control of the panel and back to the text box.
    cycle = tab_until(widget, r"^input:")
    for control in ["button:Send", "button:Close chat", "button:New conversation",
                    "div:Conversation", "button:" + widget.quick_replies.first.inner_text()]:
        assert control in cycle, f"{control} is not in the tab order {cycle}"
    keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    keyboard.press("Enter")
    expect(widget.input).to_be_focused()


def test_focus_is_visible_on_every_control(widget):
    widget.open()
    widget.ask_and_wait("What is PRRT?", ["answer"])
    for control in [widget.input, widget.send_button, widget.quick_replies.first,
                    widget.panel.get_by_role("button", name="Close chat")]:
        control.focus()
        widget.page.keyboard.press("Shift+Tab")  # focus by keyboard, so :focus-visible applies
        widget.page.keyboard.press("Tab")
        expect(control).to_be_focused()
        outline = control.evaluate(
            "node => [getComputedStyle(node).outlineStyle, parseFloat(getComputedStyle(node).outlineWidth)]")
        assert outline[0] != "none" and outline[1] >= 2, outline


def test_text_colours_meet_wcag_aa_contrast(widget):
    widget.open()
    widget.ask_and_wait("I have severe chest pain and I can't breathe", ["emergency"])
    widget.ask_and_wait("Should I have PRRT?", ["escalation"])
    widget.ask_and_wait("What is PRRT?", ["answer"])  # last, so its quick replies are there
    ratios = widget.contrast_ratios(COLOUR_PAIRS)
    missing = [name for name, ratio in ratios.items() if ratio is None]
    assert missing == [], f"not on the page: {missing}"
    failing = {name: ratio for name, ratio in ratios.items() if ratio < WCAG_AA_TEXT}
    assert failing == {}, f"below WCAG AA {WCAG_AA_TEXT}:1: {failing}"


def test_a_light_site_colour_still_gets_readable_text(open_widget_page, rasa_url):
    widget = open_widget_page()
    widget.goto(rasa_url, primary_color="#ffd84d", accent_color="#ffd84d")
    widget.open()
    widget.ask_and_wait("What is PRRT?", ["answer"])
    ratios = widget.contrast_ratios([pair for pair in COLOUR_PAIRS
                                      if pair[0] in ("launcher", "title", "user bubble", "send",
                                                     "quick reply", "close button")])
    failing = {name: ratio for name, ratio in ratios.items() if ratio is None or ratio < WCAG_AA_TEXT}
    assert failing == {}, f"below WCAG AA with a light brand colour: {failing}"
