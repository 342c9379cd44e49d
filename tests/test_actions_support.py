"""The hand-off actions, run as the action server runs them: a real rasa_sdk Tracker and
CollectingDispatcher, and directories loaded from the real content files."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.support import (
    ActionListSupport,
    ActionSpecialistCentre,
    ActionSupportAfterDistress,
    ValidateCountryForm,
)
from net_assistant.support.directory import EXCLUDE_ENV_VAR, SupportDirectory, load_directory
from tests.conftest import DOMAIN

FORM = "country_form"


@pytest.fixture(scope="module")
def directory() -> SupportDirectory:
    return load_directory(excluded_countries=())


def user(text: str, intent: str) -> Dict[str, Any]:
    return {"event": "user", "text": text,
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9}}}


def make_tracker(
    text: str, intent: str, slots: Dict[str, Any], events: Optional[List[Dict[str, Any]]] = None,
    active_loop: Optional[str] = None,
) -> Tracker:
    latest = user(text, intent)
    slots = {"disclaimer_shown": True, **slots}  # the disclaimer has its own tests
    return Tracker(
        "test-user", slots, latest["parse_data"], [*(events or []), latest], False, None,
        {"name": active_loop} if active_loop else {}, "action_listen",
    )


def run(action, tracker: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def country_events(events: List[Dict[str, Any]]) -> List[Any]:
    return [event["value"] for event in events if event.get("name") == "country"]


# --- the form's validation -------------------------------------------------------------------
def reply_to_question(directory, text: str, intent: str = "inform_country") -> tuple:
    """The user answers "which country?" while country_form is asking for it."""
    earlier = [user("support groups please", "ask_support_groups"),
               SlotSet("requested_slot", "country"), ActionExecuted(FORM)]
    tracker = make_tracker(text, intent, {"country": None, "requested_slot": "country"},
                           earlier, active_loop=FORM)
    return run(ValidateCountryForm(directory), tracker)


@pytest.mark.parametrize(
    "text, intent, code",
    [
        ("Germany", "inform_country", "DE"),
        ("UK", "inform_country", "GB"),
        ("I'm Irish", "inform_country", "IE"),
        ("Kiwi", "out_of_scope", "NZ"),
        ("we live near Manchester", "inform_country", "GB"),
        ("Oslo", "nlu_fallback", "NO"),
        ("Germnay", "out_of_scope", "DE"),
        ("Irland", "inform_country", "IE"),
        ("Spain", "inform_country", "ES"),
        ("skip", "stop", "skip"),
        ("I'd rather not say", "deny", "skip"),
        ("no thanks", "deny", "skip"),
    ],
)
def test_a_reply_is_stored_as_a_country_code_or_skip(directory, text, intent, code):
    messages, events = reply_to_question(directory, text, intent)
    assert country_events(events) == [code]
    assert messages == []


@pytest.mark.parametrize("text", ["Atlantis", "blorf", "somewhere nice"])
def test_an_unrecognised_reply_is_cleared_and_explained(directory, text):
    messages, events = reply_to_question(directory, text, "out_of_scope")
    assert country_events(events) == [None]
    assert [message["response"] for message in messages] == ["utter_country_not_recognised"]


@pytest.mark.parametrize(
    "text, intent",
    [
        ("what is PRRT?", "ask_prrt"),
        ("how is surgery done in Germany?", "ask_surgery"),
        ("and the side effects?", "ask_followup"),
        ("stop", "stop"),
        ("I can't breathe, I'm in London", "emergency"),
        ("pass out", "emergency"),  # "pass" is a skip word, but an emergency is never a reply
        ("should I have PRRT in Germany?", "personal_medical_question"),
    ],
)
def test_a_new_request_is_not_taken_as_the_country(directory, text, intent):
    messages, events = reply_to_question(directory, text, intent)
    assert events == [] and messages == []  # nothing filled: the form lets the request through


def activate(directory, text: str, intent: str, slots: Dict[str, Any],
             earlier: Optional[List[Dict[str, Any]]] = None) -> tuple:
    """The form starts: Rasa calls validation with any stored value as a candidate."""
    candidates = [SlotSet("country", slots["country"])] if slots.get("country") else []
    tracker = make_tracker(text, intent, {**slots, "requested_slot": None}, earlier or [],
                           active_loop=FORM)
    tracker.events.extend([SlotSet("requested_slot", None), ActionExecuted(FORM), *candidates])
    return run(ValidateCountryForm(directory), tracker)


def test_a_country_in_the_request_is_not_asked_again(directory):
    messages, events = activate(directory, "are there support groups in Ireland?",
                                "ask_support_groups", {"country": None})
    assert country_events(events) == ["IE"] and messages == []


def test_a_country_named_earlier_is_not_asked_again(directory):
    earlier = [user("hi", "greet"), user("I live in Berlin", "inform_country"),
               user("what is PRRT?", "ask_prrt")]
    messages, events = activate(directory, "/ask_support_groups", "ask_support_groups",
                                {"country": None}, earlier)
    assert country_events(events) == ["DE"] and messages == []


def test_a_country_mentioned_in_another_topic_is_not_taken(directory):
    earlier = [user("is PRRT available in Germany?", "ask_prrt")]
    _, events = activate(directory, "support groups?", "ask_support_groups", {"country": None},
                         earlier)
    assert country_events(events) == []  # the form will ask


@pytest.mark.parametrize("stored", ["NO", "skip", "GB"])
def test_a_stored_country_is_kept(directory, stored):
    messages, events = activate(directory, "support groups?", "ask_support_groups",
                                {"country": stored})
    assert set(country_events(events)) == {stored} and messages == []


def test_a_country_in_the_request_replaces_the_stored_one(directory):
    _, events = activate(directory, "what about groups in France?", "ask_support_groups",
                         {"country": "GB"})
    assert country_events(events)[-1] == "FR"


# --- listing support -------------------------------------------------------------------------
def list_support(directory, country: Optional[str], text: str = "/ask_support_groups",
                 intent: str = "ask_support_groups") -> tuple:
    messages, events = run(ActionListSupport(directory),
                           make_tracker(text, intent, {"country": country}))
    assert len(messages) == 1
    return messages[0], events


def assert_lists(message: Dict[str, Any], expected) -> None:
    """Buttons, text and metadata all carry exactly the expected organisations."""
    assert [b["title"] for b in message["buttons"]] == [org.name for org in expected]
    for button, org in zip(message["buttons"], expected):
        assert button["url"] == org.website and button["type"] == "web_url"
        assert button["payload"]  # Rasa's Socket.IO channel needs one on every button
        assert org.name in message["text"] and org.website in message["text"]
    custom = message["custom"]
    assert custom["kind"] == "support"
    assert [(o["id"], o["name"], o["website"]) for o in custom["organisations"]] == [
        (org.id, org.name, org.website) for org in expected
    ]


def test_uk_gets_its_national_group_and_the_two_for_everyone(directory):
    message, events = list_support(directory, "GB")
    hand_off = directory.groups_for("GB")
    assert hand_off.national
    assert_lists(message, hand_off.organisations)
    assert message["custom"]["country"] == "GB"
    assert [o["country"] for o in message["custom"]["organisations"]] == ["GB", None, None]
    assert "United Kingdom" in message["text"]
    assert "https://www.neuroendocrinecancer.org.uk/" in message["text"]
    assert events == []


def test_spain_has_no_group_and_gets_the_two_for_everyone(directory):
    message, _ = list_support(directory, "ES")
    assert_lists(message, (directory.international(), directory.centre_finder()))
    assert message["custom"]["country"] == "ES"
    assert "Spain" in message["text"]


def test_skip_gets_the_two_for_everyone(directory):
    message, _ = list_support(directory, "skip")
    assert_lists(message, (directory.international(), directory.centre_finder()))
    assert message["custom"]["country"] is None


def test_a_country_named_in_the_message_is_listed_and_remembered(directory):
    message, events = list_support(directory, None, "I'm in Belgium", "inform_country")
    assert_lists(message, directory.groups_for("BE").organisations)
    assert events == [SlotSet("country", "BE")]


def test_a_misspelling_in_passing_is_not_guessed(directory):
    message, events = list_support(directory, "GB", "thank you so much", "ask_support_groups")
    assert message["custom"]["country"] == "GB" and events == []
    message, events = list_support(directory, None, "any groups in Irland?", "ask_support_groups")
    assert message["custom"]["country"] is None and events == []


def test_excluded_countries_are_not_listed():
    limited = load_directory(excluded_countries=["US", "CA", "FR"])
    for code in ("US", "CA", "FR"):
        message, _ = list_support(limited, code)
        assert_lists(message, (limited.international(), limited.centre_finder()))
        assert message["custom"]["country"] == code
    message, _ = list_support(limited, "DE")
    assert len(message["buttons"]) == 3


def test_exclusion_from_the_environment_reaches_the_action(monkeypatch):
    monkeypatch.setenv(EXCLUDE_ENV_VAR, "US")
    message, _ = list_support(load_directory(), "US")
    assert len(message["custom"]["organisations"]) == 2
    monkeypatch.delenv(EXCLUDE_ENV_VAR)
    message, _ = list_support(load_directory(), "US")
    assert len(message["custom"]["organisations"]) > 2


def test_link_buttons_survive_rasas_socketio_channel(directory):
    from rasa.core.channels.socketio import SocketIOOutput

    class RecordingSocket:  # stands in for the socket.io server
        def __init__(self) -> None:
            self.sent: List[Dict[str, Any]] = []

        async def emit(self, event: str, data: Dict[str, Any], **kwargs: Any) -> None:
            self.sent.append(data)

    socket = RecordingSocket()
    message, _ = list_support(directory, "GB")
    output = SocketIOOutput(socket, "bot_uttered")
    asyncio.run(output.send_text_with_buttons("user", message["text"], message["buttons"]))
    replies = socket.sent[-1]["quick_replies"]
    assert [reply["title"] for reply in replies] == [b["title"] for b in message["buttons"]]
    assert "https://www.neuroendocrinecancer.org.uk/" in " ".join(m["text"] for m in socket.sent)


# --- specialist centres and distress ---------------------------------------------------------
def test_specialist_centre_goes_straight_to_the_finder(directory):
    messages, _ = run(ActionSpecialistCentre(directory),
                      make_tracker("is there a NET specialist clinic?", "ask_specialist_centre",
                                   {"country": None}))
    (message,) = messages
    assert_lists(message, (directory.centre_finder(),))
    assert message["custom"]["country"] is None


def test_specialist_centre_adds_the_national_group_when_the_country_is_known(directory):
    messages, _ = run(ActionSpecialistCentre(directory),
                      make_tracker("ENETS centres?", "ask_specialist_centre", {"country": "FR"}))
    (message,) = messages
    assert_lists(message, (directory.centre_finder(),) + directory.groups_for("FR").national)
    assert message["custom"]["country"] == "FR"


def test_distress_is_acknowledged_with_an_offer_of_support_groups(directory):
    messages, events = run(ActionSupportAfterDistress(directory),
                           make_tracker("I'm so scared", "express_distress", {"country": None}))
    (message,) = messages
    assert message["buttons"] == [{"title": message["buttons"][0]["title"],
                                   "payload": "/ask_support_groups"}]
    assert message["custom"]["kind"] == "support"
    assert message["text"] and len(message["text"]) < 300
    for medical in ("treatment", "diagnos", "prognosis", "cure", "dose", "therapy"):
        assert medical not in message["text"].lower()
    assert events == []


# --- another language ---------------------------------------------------------------------------


def other_language(directory: SupportDirectory, language: Optional[Dict[str, Any]]):
    from actions.support import ActionOtherLanguage
    from tests.conftest import DOMAIN as FULL_DOMAIN

    tracker = make_tracker("Welche Behandlungen gibt es?", "other_language", {})
    if language:
        tracker.latest_message["language"] = language
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionOtherLanguage(directory).run(dispatcher, tracker, FULL_DOMAIN))
    (message,) = dispatcher.messages
    return message


def test_another_language_is_answered_in_english_with_the_groups_where_it_is_spoken(
        directory: SupportDirectory) -> None:
    message = other_language(directory, {"code": "de", "name": "German",
                                         "countries": ["DE", "AT", "CH"]})
    assert message["text"].startswith("Sorry, I can only answer in English.")
    assert "112" in message["text"]
    german = [org for org in directory.organisations if "DE" in org.countries]
    assert german and all(org.website in message["text"] for org in german)
    assert directory.international().website in message["text"]
    assert message["custom"]["kind"] == "fallback" and message["custom"]["language"] == "de"
    assert {o["id"] for o in message["custom"]["organisations"]} >= {org.id for org in german}


def test_an_unrecognised_language_still_gets_the_english_reply_and_the_alliance(
        directory: SupportDirectory) -> None:
    message = other_language(directory, None)
    assert "only answer in English" in message["text"]
    assert message["custom"]["language"] is None
    assert [o["id"] for o in message["custom"]["organisations"]] == [directory.international().id]


@pytest.mark.parametrize("text, intent", [
    ("hello", "greet"), ("thanks", "thank"), ("is there a specialist centre near me?",
                                               "ask_specialist_centre"),
    ("Bonjour, quels traitements existent ?", "other_language"),
])
def test_small_talk_and_other_requests_are_not_taken_as_the_country(directory, text, intent):
    """Their own rules answer them while the question stays open (data/rules/support.yml)."""
    messages, events = reply_to_question(directory, text, intent)
    assert events == [] and messages == []
