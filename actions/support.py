"""Hand-off actions: support groups, the specialist-centre finder and the country question.

The actions are thin: which organisations fit a country, and how a reply names a country, is
decided in :mod:`net_assistant.support.directory`. Here we only decide what the conversation means
(is this reply an answer to "which country?") and how the answer is shown.

The ``country`` slot holds an ISO code (``"DE"``), ``"skip"`` or nothing. It has a custom slot
mapping: :meth:`ValidateCountryForm.extract_country` fills it, so that a reply which is really a
new question ("what is PRRT?", "stop") is left for its own rules instead of being read as a
country, and so that a country named earlier ("support groups in Ireland?") is not asked again.

How one organisation is shown (its line, its link button) is
:mod:`net_assistant.support.rendering`'s; the text names every organisation with its address
too, so plain clients lose nothing.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.turn import open_turn
from actions.metadata import metadata
from actions.responses import response_text
from net_assistant import contract
from net_assistant.contract import COUNTRY_SLOT, REQUESTED_SLOT, intent_payload
from net_assistant.support.directory import HandOff, SupportDirectory, load_directory
from net_assistant.support.rendering import (
    country_code, entry_line, link_button, organisation_metadata,
)

SKIP = "skip"
SUPPORT_KIND = "support"
SUPPORT_GROUPS_PAYLOAD = intent_payload(contract.SUPPORT_GROUPS)
NOT_RECOGNISED_RESPONSE = "utter_country_not_recognised"

# Intents that ask for this hand-off: a country in them is where the person wants help.
SUPPORT_INTENTS = frozenset({
    contract.SUPPORT_GROUPS, contract.SPECIALIST_CENTRE, contract.INFORM_COUNTRY,
})
# Intents that are a new request, never an answer to "which country?": the form lets their own
# rules answer them (data/rules/support.yml).
OTHER_REQUESTS = frozenset(contract.country_question_interruptions()) | \
    contract.ENDS_COUNTRY_QUESTION


@lru_cache(maxsize=1)
def _default_directory() -> SupportDirectory:
    """The deployment's directory, loaded on first use (reads NET_DIRECTORY_EXCLUDE_COUNTRIES)."""
    return load_directory()


class _UsesDirectory:
    """Lets tests hand an action a directory of their own (rasa_sdk creates actions without one)."""

    def __init__(self, directory: Optional[SupportDirectory] = None) -> None:
        self._directory = directory

    @property
    def directory(self) -> SupportDirectory:
        return self._directory or _default_directory()

    def start_hand_off(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Tuple[HandOff, List[EventType]]:
        """The disclaimer if owed, and the organisations for the person's country."""
        events = open_turn(dispatcher, tracker)
        code, country_events = _country_for_hand_off(self.directory, tracker)
        return self.directory.groups_for(code), events + country_events


class ValidateCountryForm(_UsesDirectory, FormValidationAction):
    """Fills and checks ``country`` for ``country_form``."""

    def name(self) -> Text:
        return "validate_country_form"

    async def extract_country(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The reply to "which country?", or at activation a country the person already named."""
        text = _latest_text(tracker)
        if tracker.get_slot(REQUESTED_SLOT) == COUNTRY_SLOT:
            return {COUNTRY_SLOT: text} if self._answers_question(tracker, text) else {}
        code = _mentioned_country(self.directory, tracker)
        return {COUNTRY_SLOT: code} if code else {}

    def validate_country(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        """Turn the reply into an ISO code or ``skip``; say so when it names no country we know."""
        if tracker.get_slot(REQUESTED_SLOT) != COUNTRY_SLOT:
            # Not a reply to our question: a value remembered from earlier, already a code.
            return {COUNTRY_SLOT: slot_value if self._is_stored_value(slot_value) else None}
        value = _understand_reply(self.directory, str(slot_value or ""))
        if value is None:
            dispatcher.utter_message(response=NOT_RECOGNISED_RESPONSE)
        return {COUNTRY_SLOT: value}

    def _answers_question(self, tracker: Tracker, text: str) -> bool:
        intent = _latest_intent(tracker)
        if intent == contract.EMERGENCY:
            return False  # "pass out" is no "pass"
        if self.directory.is_skip(text):
            return True
        return not _is_other_request(intent)

    def _is_stored_value(self, value: Any) -> bool:
        return value == SKIP or value in self.directory.countries


class ActionListSupport(_UsesDirectory, Action):
    """The national groups for the person's country, and INCA and ENETS for everyone."""

    def name(self) -> Text:
        return "action_list_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        hand_off, events = self.start_hand_off(dispatcher, tracker)
        dispatcher.utter_message(
            text=_list_text(domain, hand_off, skipped=tracker.get_slot(COUNTRY_SLOT) == SKIP),
            buttons=[link_button(org) for org in hand_off.organisations],
            json_message=_support_metadata(hand_off),
        )
        return events


class ActionSpecialistCentre(_UsesDirectory, Action):
    """Straight to the ENETS centre finder, plus the national group when the country is known."""

    def name(self) -> Text:
        return "action_specialist_centre"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        hand_off, events = self.start_hand_off(dispatcher, tracker)
        finder = hand_off.centre_finder
        finder_opening = response_text(domain, "utter_centre_finder")
        paragraphs = [f"{finder_opening}\n{entry_line(finder)}"]
        if hand_off.national and hand_off.country is not None:
            country = hand_off.country.in_sentence
            lines = "\n".join(entry_line(org) for org in hand_off.national)
            opening = response_text(domain, "utter_centre_group", country=country)
            paragraphs.append(f"{opening}\n{lines}")
        paragraphs.append(response_text(domain, "utter_centre_referral"))
        shown = (finder,) + hand_off.national
        dispatcher.utter_message(
            text="\n\n".join(paragraphs),
            buttons=[link_button(org) for org in shown],
            json_message=metadata(
                SUPPORT_KIND,
                organisations=[organisation_metadata(org, hand_off) for org in shown],
                country=country_code(hand_off),
            ),
        )
        return events


class ActionSupportAfterDistress(_UsesDirectory, Action):
    """A short, warm acknowledgement and the offer of support groups (one tap away)."""

    def name(self) -> Text:
        return "action_offer_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = open_turn(dispatcher, tracker)
        dispatcher.utter_message(
            text=response_text(domain, "utter_offer_support"),
            buttons=[{"title": response_text(domain, "utter_button_show_support_groups"),
                      "payload": SUPPORT_GROUPS_PAYLOAD}],
            json_message=metadata(SUPPORT_KIND),
        )
        return events


class ActionOtherLanguage(_UsesDirectory, Action):
    """A message in another language: say, in English, that the assistant answers in English
    only (with the emergency numbers), and offer the national groups where that language is
    spoken. The NLU records the language it recognised (net_assistant.rasa_adapters.components)."""

    def name(self) -> Text:
        return "action_other_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = open_turn(dispatcher, tracker)
        language = tracker.latest_message.get(contract.LANGUAGE_KEY) or {}
        national = list(dict.fromkeys(
            org for code in language.get("countries") or []
            for org in self.directory.groups_for(code).national
        ))
        international = self.directory.international()
        paragraphs = [response_text(domain, "utter_english_only")]
        if national:
            paragraphs.append(
                response_text(domain, "utter_groups_for_language", language=language["name"])
                + "\n" + "\n".join(entry_line(org) for org in national)
            )
        everyone = response_text(domain, "utter_groups_for_everyone")
        paragraphs.append(f"{everyone}\n{entry_line(international)}")
        shown = national + [international]
        dispatcher.utter_message(
            text="\n\n".join(paragraphs),
            buttons=[link_button(org) for org in shown],
            json_message=metadata(
                "fallback",
                language=language.get("code"),
                organisations=[{"id": org.id, "name": org.name, "website": org.website}
                               for org in shown],
            ),
        )
        return events


# --- reading the conversation ----------------------------------------------------------------
def _latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def _latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _is_other_request(intent: Optional[str]) -> bool:
    return intent in OTHER_REQUESTS


def _understand_reply(directory: SupportDirectory, text: str) -> Optional[str]:
    """An ISO code, ``skip``, or None when the reply names no country we know."""
    match = directory.match_country(text)
    if match:
        return match.code
    return SKIP if directory.is_skip(text) else None


def _named_country(directory: SupportDirectory, text: str) -> Optional[str]:
    """A country named in passing. Only exact names count: a guessed misspelling is fine as the
    answer to "which country?", but too bold in a sentence about something else."""
    match = directory.match_country(text)
    return match.code if match and not match.fuzzy else None


def _mentioned_country(directory: SupportDirectory, tracker: Tracker) -> Optional[str]:
    """A country named in this message, else (if none is stored) in an earlier support message."""
    latest = _named_country(directory, _latest_text(tracker))
    if latest or tracker.get_slot(COUNTRY_SLOT):
        return latest
    for event in reversed(tracker.events):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if event.get("event") != "user" or intent not in SUPPORT_INTENTS:
            continue
        code = _named_country(directory, event.get("text") or "")
        if code:
            return code
    return None


def _country_for_hand_off(
    directory: SupportDirectory, tracker: Tracker
) -> Tuple[Optional[str], List[EventType]]:
    """The country to list groups for: named just now, else stored; remembers a new one."""
    latest = _named_country(directory, _latest_text(tracker))
    stored = tracker.get_slot(COUNTRY_SLOT)
    if latest:
        return latest, [] if latest == stored else [SlotSet(COUNTRY_SLOT, latest)]
    return (stored if stored in directory.countries else None), []


# --- showing the hand-off --------------------------------------------------------------------
def _list_text(domain: DomainDict, hand_off: HandOff, skipped: bool) -> str:
    always = "\n".join(entry_line(org) for org in (hand_off.international, hand_off.centre_finder))
    if hand_off.country is None:
        opening = response_text(domain, "utter_no_country")
        if skipped:
            opening = response_text(domain, "utter_country_skipped") + " " + opening
        return f"{opening}\n{always}"
    country = hand_off.country.in_sentence
    if not hand_off.national:
        opening = response_text(domain, "utter_no_group_for_country", country=country)
        return f"{opening}\n{always}"
    national = "\n".join(entry_line(org) for org in hand_off.national)
    opening = response_text(domain, "utter_groups_for_country", country=country)
    everyone = response_text(domain, "utter_groups_for_everyone")
    return f"{opening}\n{national}\n\n{everyone}\n{always}"


def _support_metadata(hand_off: HandOff) -> Dict[str, Any]:
    return metadata(
        SUPPORT_KIND,
        organisations=[organisation_metadata(org, hand_off) for org in hand_off.organisations],
        country=country_code(hand_off),
    )


class ActionAskCountry(Action):
    """Asks for the country; an action rather than a plain response so that a first message
    asking for support groups also gets the disclaimer."""

    def name(self) -> Text:
        return "action_ask_country"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = open_turn(dispatcher, tracker)
        dispatcher.utter_message(response="utter_ask_country")
        return events
