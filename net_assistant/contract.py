"""The conversation's contract: the names the domain, the training data, the rules and the
actions must agree on, and the sets derived from them.

A treatment's intent is ``ask_<treatment id>`` for each treatment in ``content/terminology.yml``;
what may interrupt the country question, and which action answers it there, is said once here.
``tests/test_contract.py`` ties terminology, domain, NLU files, rules and actions to this module,
so adding a treatment is a checked edit (see README, "Adding a treatment").
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple

from net_assistant.knowledge.terminology import load_terminology

# Intents other than the treatments' own.
FOLLOW_UP = "ask_followup"
PERSONAL = "personal_medical_question"
EMERGENCY = "emergency"
OUT_OF_SCOPE = "out_of_scope"
OTHER_LANGUAGE = "other_language"
SUPPORT_GROUPS = "ask_support_groups"
SPECIALIST_CENTRE = "ask_specialist_centre"
DISTRESS = "express_distress"
INFORM_COUNTRY = "inform_country"
STOP = "stop"
GREET = "greet"
GOODBYE = "goodbye"
THANK = "thank"
BOT_CHALLENGE = "bot_challenge"
# Feedback on the latest answer: the payloads of its "Helpful" / "Not helpful" buttons.
FEEDBACK_HELPFUL = "feedback_helpful"
FEEDBACK_NOT_HELPFUL = "feedback_not_helpful"
FEEDBACK_INTENTS: Tuple[str, ...] = (FEEDBACK_HELPFUL, FEEDBACK_NOT_HELPFUL)
# Intents only buttons send: left out of the classifier's training (components.ButtonOnlyIntents).
BUTTON_ONLY_INTENTS: FrozenSet[str] = frozenset(FEEDBACK_INTENTS)
NLU_FALLBACK = "nlu_fallback"

# Actions.
ANSWER_TREATMENT = "action_answer_treatment"
ESCALATE = "action_escalate_to_doctor"
EMERGENCY_ACTION = "action_emergency"
SMALLTALK = "action_smalltalk"
OTHER_LANGUAGE_ACTION = "action_other_language"
LIST_SUPPORT = "action_list_support"
SPECIALIST_CENTRE_ACTION = "action_specialist_centre"
OFFER_SUPPORT = "action_offer_support"
FEEDBACK_ACTION = "action_feedback"
NOTE_MISSING_INFO = "action_note_missing_info"

# The country question and its slots; the treatment under discussion.
COUNTRY_FORM = "country_form"
COUNTRY_SLOT = "country"
REQUESTED_SLOT = "requested_slot"
TOPIC_SLOT = "topic"
ASPECT_SLOT = "aspect"
# True for one message after "not helpful": a message that is no new request then says what the
# answer was missing (actions/feedback.py; the turn protocol clears it, actions/turn.py).
MISSING_INFO_SLOT = "missing_info_requested"
# What such a message may have been classified as (anything else is handled as itself).
MISSING_INFO_INTENTS: FrozenSet[str] = frozenset({OUT_OF_SCOPE, NLU_FALLBACK})

# What our NLU components add to the parse data (tracker.latest_message) for the actions.
SAFETY_RULE_KEY = "safety_rule"  # the rule that re-labelled the message: rule_id, category, …
PERSONAL_CONTEXT_KEY = "personal_context"  # true: a general question about one's own situation
LANGUAGE_KEY = "language"  # another language: code, name, countries

# Replies to the country question that end it instead (each has its own rule in
# data/rules/support.yml).
ENDS_COUNTRY_QUESTION: FrozenSet[str] = frozenset({STOP, GOODBYE, EMERGENCY})
# Requests answered by their own action while the country question stays open: the action
# answers, then the question is asked again.
_INTERRUPTIONS = {
    FOLLOW_UP: ANSWER_TREATMENT,
    PERSONAL: ESCALATE,
    DISTRESS: OFFER_SUPPORT,
    SPECIALIST_CENTRE: SPECIALIST_CENTRE_ACTION,
    OTHER_LANGUAGE: OTHER_LANGUAGE_ACTION,
    BOT_CHALLENGE: SMALLTALK,
    GREET: SMALLTALK,
    THANK: SMALLTALK,
    FEEDBACK_HELPFUL: FEEDBACK_ACTION,
    FEEDBACK_NOT_HELPFUL: FEEDBACK_ACTION,
}


def treatment_intents() -> Tuple[str, ...]:
    """``ask_<id>`` for every treatment in the terminology, in its order."""
    return tuple(treatment.intent for treatment in load_terminology().treatments.values())


def country_question_interruptions() -> Dict[str, str]:
    """Each request that interrupts the country question, and the action that answers it."""
    return {**{intent: ANSWER_TREATMENT for intent in treatment_intents()}, **_INTERRUPTIONS}


def intent_payload(intent: str, **entities: str) -> str:
    """A quick-reply payload that Rasa reads as ``intent`` with ``entities`` (``/intent{...}``)."""
    return f"/{intent}{json.dumps(entities) if entities else ''}"


# What a quick-reply button may ask for. Rasa reads any message that starts with "/" as an
# intent with entities and skips the classifier and the safety rules, so a message is read that
# way only when it is exactly a payload one of our buttons could carry; anything else that
# starts with "/" is read as text (net_assistant.rasa_adapters.components.TypedCommandGuard).
_PLAIN_QUICK_REPLIES = frozenset({OUT_OF_SCOPE, PERSONAL, SUPPORT_GROUPS, SPECIALIST_CENTRE,
                                  *FEEDBACK_INTENTS})
_PAYLOAD = re.compile(r"/(?P<intent>[a-z_]+)(?P<entities>\{.*\})?", re.S)


def is_quick_reply_payload(text: str) -> bool:
    """Whether ``text`` is exactly a payload our buttons send (``intent_payload`` output for an
    offered intent, with known treatment and aspect ids only)."""
    match = _PAYLOAD.fullmatch(text)
    if match is None:
        return False
    entities = _entities(match.group("entities"))
    if entities is None or text != intent_payload(match.group("intent"), **entities):
        return False
    return _may_offer(match.group("intent"), entities)


def _entities(raw: Optional[str]) -> Optional[Dict[str, Any]]:
    if raw is None:
        return {}
    try:
        entities = json.loads(raw)
    except ValueError:
        return None
    return entities if isinstance(entities, dict) and entities else None


def _may_offer(intent: str, entities: Dict[str, Any]) -> bool:
    terminology = load_terminology()
    if intent in {treatment.intent for treatment in terminology.treatments.values()}:
        allowed = {"aspect"}
    elif intent == FOLLOW_UP:
        allowed = {"treatment", "aspect"}
    elif intent in _PLAIN_QUICK_REPLIES:
        allowed = set()
    else:
        return False
    known: Dict[str, Mapping[str, Any]] = {"treatment": terminology.treatments,
                                           "aspect": terminology.aspects}
    return all(name in allowed and isinstance(value, str) and value in known[name]
               for name, value in entities.items())
