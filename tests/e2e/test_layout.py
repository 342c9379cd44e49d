"""Desktop and phone layouts, with screenshots of each (build/screenshots/).

Set UPDATE_DOC_SCREENSHOT=1 to also refresh docs/widget-screenshot.png, the picture in the
README, from the desktop run.
"""
from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import expect

from net_assistant.content.loading import PROJECT_DIR

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MIN_TARGET_PX = 44  # touch targets (WCAG 2.5.5 / platform guidelines)
DOC_SCREENSHOT = PROJECT_DIR / "docs" / "widget-screenshot.png"


def overflow(widget) -> dict:
    return widget.page.evaluate(
        """() => ({scrollWidth: document.documentElement.scrollWidth,
                   innerWidth: window.innerWidth})"""
    )


def have_a_conversation(widget) -> None:
    widget.open()
    widget.ask_and_wait("What is PRRT?", ["answer"])
    expect(widget.bot_messages.last.locator(".netw-citation")).to_be_visible()


def test_desktop_layout(open_widget_page, rasa_url, screenshot_dir):
    widget = open_widget_page(viewport=DESKTOP)
    widget.goto(rasa_url)
    have_a_conversation(widget)

    panel = widget.panel.bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= DESKTOP["width"]
    assert panel["y"] >= 0 and panel["y"] + panel["height"] <= DESKTOP["height"]
    assert panel["width"] < DESKTOP["width"] / 2  # the page stays readable beside it
    expect(widget.page.get_by_role("heading", level=1)).to_be_in_viewport()
    expect(widget.input).to_be_in_viewport()
    # Read on to the end of the answer, as a person scrolls, for the picture.
    widget.log.hover()
    widget.page.mouse.wheel(0, 2000)
    expect(widget.quick_replies.last).to_be_in_viewport(ratio=1)
    path = screenshot_dir / "widget-desktop.png"
    widget.page.screenshot(path=str(path))
    assert path.stat().st_size > 0
    if os.environ.get("UPDATE_DOC_SCREENSHOT") == "1":
        DOC_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, DOC_SCREENSHOT)


def test_phone_layout(open_widget_page, rasa_url, screenshot_dir):
    widget = open_widget_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    widget.goto(rasa_url)
    expect(widget.launcher).to_be_in_viewport(ratio=1)
    launcher = widget.launcher.bounding_box()
    assert launcher["x"] + launcher["width"] <= PHONE["width"]
    widget.page.screenshot(path=str(screenshot_dir / "widget-phone-closed.png"))
    have_a_conversation(widget)

    panel = widget.panel.bounding_box()
    assert (panel["x"], panel["y"]) == (0, 0)  # the chat takes the whole small screen
    assert panel["width"] == PHONE["width"] and panel["height"] == PHONE["height"]
    size = overflow(widget)
    assert size["scrollWidth"] <= size["innerWidth"], "the page scrolls sideways"
    for control in [widget.input, widget.send_button,
                    widget.panel.get_by_role("button", name="Close chat")]:
        expect(control).to_be_in_viewport(ratio=1)
        box = control.bounding_box()
        assert box["height"] >= MIN_TARGET_PX, control
    for reply in widget.quick_replies.all():
        box = reply.bounding_box()
        assert box["height"] >= MIN_TARGET_PX and box["x"] + box["width"] <= PHONE["width"]
    answer = widget.bot_messages.last.bounding_box()
    assert answer["x"] >= 0 and answer["x"] + answer["width"] <= PHONE["width"]
    # A long answer is shown from its first line, not scrolled to its end.
    view = widget.page.locator(".netw-scroller").bounding_box()
    assert view["y"] <= answer["y"] < view["y"] + view["height"] / 2
    expect(widget.launcher).to_be_hidden()  # the close button in the header takes its place
    widget.page.screenshot(path=str(screenshot_dir / "widget-phone.png"))

    widget.panel.get_by_role("button", name="Close chat").click()
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
