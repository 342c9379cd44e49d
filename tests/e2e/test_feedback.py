"""Feedback on answers in the widget: a small "Was this answer helpful?" row under the answer,
the rating sent as its payload, the assistant's thanks in the row's place."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import DOMAIN

pytestmark = pytest.mark.browser

QUESTION = DOMAIN["responses"]["utter_feedback_question"][0]["text"]
THANKS = DOMAIN["responses"]["utter_feedback_thanks"][0]["text"]
ASK_MISSING = " ".join(DOMAIN["responses"]["utter_feedback_ask_missing"][0]["text"].split())
NOTE_THANKS = DOMAIN["responses"]["utter_feedback_note_thanks"][0]["text"]


def feedback_row(widget):
    return widget.log.get_by_role("group", name=QUESTION)


def sent_messages(widget):
    return [data.get("message") for name, data in widget.sent if name == "user_uttered"]


def test_an_answer_has_a_rating_row_beside_its_suggested_replies(widget):
    widget.open()
    widget.ask_and_wait("What is PRRT?", ["answer"])
    answer = widget.bot_messages.last
    row = answer.get_by_role("group", name=QUESTION)
    expect(row).to_be_visible()
    expect(row).to_contain_text(QUESTION)
    expect(row.get_by_role("button")).to_have_count(2)
    expect(row.get_by_role("button", name="Helpful (rate this answer)", exact=True)).to_have_text("Helpful")
    expect(row.get_by_role("button", name="Not helpful (rate this answer)")).to_be_visible()
    # the aspects are still suggested replies, and the rating buttons are not among them
    titles = widget.quick_replies.all_inner_texts()
    assert titles and "Helpful" not in titles and "Not helpful" not in titles
    # nothing else gets a rating row
    widget.ask_and_wait("hello", ["smalltalk"])
    expect(widget.bot_messages.last.get_by_role("group", name=QUESTION)).to_have_count(0)
    expect(feedback_row(widget)).to_have_count(0)  # and the answer's row went when they carried on


def test_helpful_by_keyboard_sends_the_payload_and_shows_the_thanks_in_its_place(widget):
    widget.open()
    widget.ask_and_wait("How is lanreotide given?", ["answer"])
    users_before = widget.user_messages.count()
    replies_before = widget.quick_replies.all_inner_texts()
    keyboard = widget.page.keyboard
    for _ in range(12):  # back from the text box to the rating buttons
        keyboard.press("Shift+Tab")
        if widget.page.evaluate("document.activeElement.textContent") == "Helpful":
            break
    since = len(widget.bot_events())
    keyboard.press("Enter")
    expect(widget.input).to_be_focused()  # the button is gone; the focus is not lost
    meta = widget.wait_for_metadata(["feedback"], since)
    assert meta["verdict"] == "helpful" and meta["topic"] == "somatostatin_analogues"
    assert sent_messages(widget)[-1] == "/feedback_helpful"
    answer = widget.bot_messages.last
    expect(answer.locator(".netw-feedback")).to_have_text(THANKS)
    expect(answer.get_by_role("button", name="Helpful (rate this answer)", exact=True)).to_have_count(0)
    assert widget.user_messages.count() == users_before  # a rating is no message
    assert widget.quick_replies.all_inner_texts() == replies_before  # the suggestions stay
    widget.page.reload()
    expect(widget.panel).to_be_visible()  # open across the reload, the thanks kept
    expect(widget.bot_messages.last.locator(".netw-feedback")).to_have_text(THANKS)


def test_not_helpful_asks_what_was_missing_and_the_next_message_answers_it(widget):
    widget.open()
    widget.ask_and_wait("What is PRRT?", ["answer"])
    since = len(widget.bot_events())
    feedback_row(widget).get_by_role("button", name="Not helpful (rate this answer)").click()
    widget.wait_for_metadata(["feedback"], since)
    expect(widget.bot_messages.last.locator(".netw-feedback")).to_have_text(ASK_MISSING)
    meta = widget.ask_and_wait("too vague, I wanted more detail", ["feedback"])
    assert meta["missing_info"] is True and meta["topic"] == "prrt"
    expect(widget.bot_messages.last).to_contain_text(NOTE_THANKS)
    expect(widget.user_messages.last).to_contain_text("too vague, I wanted more detail")


def test_the_rest_channel_rates_the_same_way(open_widget_page, rasa_url):
    widget = open_widget_page()
    widget.goto(rasa_url, transport="rest")
    widget.open()
    widget.wait_until_connected()
    widget.ask("What is PRRT?")
    row = feedback_row(widget)
    expect(row).to_be_visible(timeout=60_000)
    with widget.page.expect_response("**/webhooks/rest/webhook") as response:
        row.get_by_role("button", name="Helpful (rate this answer)", exact=True).click()
    assert response.value.request.post_data_json["message"] == "/feedback_helpful"
    expect(widget.bot_messages.last.locator(".netw-feedback")).to_have_text(THANKS)
