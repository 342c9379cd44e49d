"""A person's conversation in the widget, against the real Rasa and action servers."""
from __future__ import annotations

import re
from typing import Dict

import pytest
from playwright.sync_api import expect

from net_assistant.content.loading import load_yaml
from tests.conftest import DOMAIN

pytestmark = pytest.mark.browser

TREATMENT_QUESTION = "What is PRRT?"
FOLLOW_UP_QUESTION = "How is it given?"
# The widget's disclaimer is the assistant's own (domain.yml, through net-widget-texts.js).
DISCLAIMER_TEXT = DOMAIN["responses"]["utter_disclaimer"][0]["text"]
DISCLAIMER = re.compile(re.escape(DISCLAIMER_TEXT))


def source_titles() -> Dict[str, str]:
    return {source["id"]: source["title"] for source in load_yaml("sources.yml")["sources"]}


def test_disclaimer_is_visible_before_the_first_question(widget):
    widget.open()
    disclaimer = widget.panel.get_by_role("note")
    expect(disclaimer).to_be_visible()
    expect(disclaimer).to_have_text(DISCLAIMER_TEXT)  # exactly the words of utter_disclaimer
    expect(widget.log.locator(".netw-msg")).to_have_count(0)
    widget.wait_until_connected()


def test_treatment_answer_is_shown_with_its_source_under_it(widget):
    widget.open()
    since = len(widget.bot_events())
    widget.ask(TREATMENT_QUESTION)
    meta = widget.wait_for_metadata(["answer"], since)

    expect(widget.user_messages.last).to_have_text(re.compile(re.escape(TREATMENT_QUESTION)))
    answer = widget.bot_messages.last
    expect(answer).to_have_attribute("data-kind", "answer")
    citation = answer.locator(".netw-citation")
    expect(citation).to_be_visible()
    expect(citation.locator(".netw-citation-label")).to_have_text(re.compile(r"^Sources?$"))
    # The line under the answer is the server's citation, naming the documents the answer cites.
    expect(citation).to_have_text(meta["citation"])
    for source_id in meta["sources"]:
        expect(citation).to_contain_text(source_titles()[source_id])
    # Every paragraph the server sent for this answer is in the bubble, the citation only once.
    paragraphs = [t for t in widget.texts_sent_by_server(since) if t.strip() != meta["citation"]]
    body = answer.locator(".netw-body")
    for paragraph in paragraphs[-2:]:
        expect(body).to_contain_text(paragraph.strip()[:60])
    expect(widget.log.locator(".netw-para").filter(has_text=meta["citation"])).to_have_count(0)


def test_quick_reply_sends_its_payload_and_shows_its_title(widget):
    widget.open()
    first = widget.ask_and_wait(TREATMENT_QUESTION, ["answer"])
    reply = widget.quick_replies.first
    expect(reply).to_be_visible()
    title = reply.inner_text()
    sent_before = len(widget.sent)
    since = len(widget.bot_events())

    reply.click()

    expect(widget.user_messages.last).to_contain_text(title)
    offered = [r for e in widget.bot_events() if isinstance(e, dict)
               for r in e.get("quick_replies") or []]
    payload = next(r["payload"] for r in offered if r["title"] == title)
    sent = [data for name, data in widget.sent[sent_before:] if name == "user_uttered"]
    assert sent and sent[0]["message"] == payload
    follow_up = widget.wait_for_metadata(["answer", "fallback"], since)
    assert follow_up["topic"] == first["topic"]
    expect(widget.input).to_be_focused()
    # The replies offered with the first answer are used up once the person has answered.
    expect(widget.log.locator("[data-kind=answer]").first.locator(".netw-quick-replies")).to_have_count(0)


def test_typing_indicator_shows_while_the_assistant_is_answering(routed):
    widget = routed.widget
    widget.open()
    widget.wait_until_connected()
    typing = widget.page.get_by_text("The assistant is typing…")
    expect(typing).to_be_hidden()

    routed.hold()  # the server's answer is kept back until the indicator has been seen
    widget.ask(TREATMENT_QUESTION)
    expect(typing).to_be_visible()
    expect(widget.bot_messages).to_have_count(0)
    routed.release()

    expect(widget.log.locator("[data-kind=answer]")).to_have_count(1, timeout=60_000)
    expect(typing).to_be_hidden()


def test_reload_keeps_the_conversation_on_screen_and_on_the_server(widget):
    widget.open()
    first = widget.ask_and_wait(TREATMENT_QUESTION, ["answer"])
    shown = widget.message_texts()
    session_id = widget.stored_session_id()  # issued by the server on the first visit
    assert session_id and widget.session_requests() == [None]
    assert widget.confirmed_sessions() == [session_id]

    widget.page.reload()

    expect(widget.panel).to_be_visible()  # it stays open across the reload
    expect(widget.log.locator(".netw-msg")).to_have_count(len(shown))
    assert widget.message_texts() == shown
    expect(widget.bot_messages.last.locator(".netw-citation")).to_have_text(first["citation"])
    widget.wait_until_connected()
    assert widget.session_requests() == [None, session_id]
    assert widget.confirmed_sessions() == [session_id, session_id]
    # The server continues the same conversation: a follow-up without the treatment's name
    # is about the treatment discussed before the reload.
    follow_up = widget.ask_and_wait(FOLLOW_UP_QUESTION, ["answer", "fallback"])
    assert follow_up["topic"] == first["topic"]


def test_new_conversation_clears_the_history_and_starts_a_new_session(widget):
    widget.open()
    widget.ask_and_wait(TREATMENT_QUESTION, ["answer"])
    old_session = widget.stored_session_id()

    widget.panel.get_by_role("button", name="New conversation").click()

    expect(widget.log.locator(".netw-msg")).to_have_count(0)
    expect(widget.panel.get_by_role("note")).to_contain_text(DISCLAIMER)
    expect(widget.input).to_be_focused()
    new_session = widget.wait_for_stored_session(other_than=old_session)
    assert new_session and new_session != old_session
    assert widget.session_requests()[-1] is None  # "a new one, please"
    assert widget.confirmed_sessions()[-1] == new_session
    widget.page.reload()
    expect(widget.log.locator(".netw-msg")).to_have_count(0)
    widget.wait_until_connected()
    follow_up = widget.ask_and_wait(FOLLOW_UP_QUESTION, ["answer", "fallback"])
    assert follow_up["topic"] is None  # the new session knows nothing of the old topic


def test_emergency_answer_is_prominent_and_announced_as_an_alert(widget):
    widget.open()
    widget.ask_and_wait(TREATMENT_QUESTION, ["answer"])
    widget.ask_and_wait("I have severe chest pain and I can't breathe", ["emergency"])

    alert = widget.log.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_have_attribute("data-kind", "emergency")
    expect(alert).to_contain_text("Emergency")
    expect(alert).to_contain_text(re.compile("emergency number", re.I))
    emergency = _style(alert)
    ordinary = _style(widget.log.locator("[data-kind=answer]").last)
    assert emergency["borderWidth"] >= 3 > ordinary["borderWidth"]
    assert emergency["background"] != ordinary["background"]
    assert emergency["fontWeight"] >= 600


def test_escalation_answer_is_marked_for_the_care_team(widget):
    widget.open()
    widget.ask_and_wait(TREATMENT_QUESTION, ["answer"])
    widget.ask_and_wait("Should I have PRRT?", ["escalation"])

    escalation = widget.bot_messages.last
    expect(escalation).to_have_attribute("data-kind", "escalation")
    expect(escalation.locator(".netw-badge")).to_have_text("For your care team")
    expect(widget.log.get_by_role("alert")).to_have_count(0)
    answer = widget.log.locator("[data-kind=answer]").last
    assert _style(escalation)["background"] != _style(answer)["background"]


def test_support_organisations_are_links_that_open_in_a_new_tab(widget):
    widget.open()
    meta = widget.ask_and_wait("Are there any support groups in the UK?", ["support"])
    assert meta["organisations"], meta

    support = widget.bot_messages.last
    expect(support).to_have_attribute("data-kind", "support")
    links = support.get_by_role("list", name="Support organisations").get_by_role("link")
    expect(links).to_have_count(len(meta["organisations"]))
    for link, organisation in zip(links.all(), meta["organisations"]):
        expect(link).to_contain_text(organisation["name"])
        assert link.get_attribute("href").rstrip("/") == organisation["website"].rstrip("/")
        expect(link).to_have_attribute("target", "_blank")
        assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
    # An organisation's address is never sent to the assistant as if the person had typed it.
    for title in widget.quick_replies.all_inner_texts():
        assert not any(title == org["name"] for org in meta["organisations"]), title


def _style(locator) -> Dict[str, object]:
    return locator.evaluate(
        """node => {
            const style = getComputedStyle(node);
            return {
                borderWidth: Math.max(...["Top", "Right", "Bottom", "Left"].map(
                    side => parseFloat(style["border" + side + "Width"]))),
                background: style.backgroundColor,
                fontWeight: parseInt(style.fontWeight, 10),
            };
        }"""
    )
