"""The conversation's contract ties terminology, domain, training data, rules and actions.

Adding a treatment is a checked edit: a missing intent, training file, rule or interruption of
the country question fails here (README, "Adding a treatment").
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Set

import yaml
from rasa.shared.nlu.training_data.loading import load_data

from net_assistant import contract
from net_assistant.content.loading import PROJECT_DIR
from net_assistant.knowledge.terminology import load_terminology
from tests.conftest import DOMAIN

RULES_DIR = PROJECT_DIR / "data" / "rules"


def rules() -> List[Dict]:
    found = []
    for path in sorted(RULES_DIR.glob("*.yml")):
        found += yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]
    return found


def first_intents(rule: Dict) -> Set[str]:
    """The intents a rule starts from (its first user step, or the intents of its or:)."""
    for step in rule["steps"]:
        if "intent" in step:
            return {step["intent"]}
        if "or" in step:
            return {alternative["intent"] for alternative in step["or"]}
    return set()


def actions_after(rule: Dict) -> List[str]:
    return [step["action"] for step in rule["steps"] if "action" in step]


def in_country_question(rule: Dict) -> bool:
    return {"active_loop": contract.COUNTRY_FORM} in rule.get("condition", [])


def test_every_treatment_has_its_intent_in_the_domain_and_training_data() -> None:
    intents = set(DOMAIN["intents"])
    trained = {m.get("intent") for m in load_data(str(PROJECT_DIR / "data" / "nlu")).intent_examples}
    for treatment in load_terminology().treatments.values():
        assert treatment.intent in intents, treatment.id
        assert treatment.intent in trained, treatment.id
        assert (PROJECT_DIR / "data" / "nlu" / f"{treatment.id}.yml").exists(), treatment.id
    assert set(contract.treatment_intents()) == {t.intent for t in load_terminology().treatments.values()}


def test_every_treatment_question_goes_to_the_answer_action() -> None:
    answered = set()
    for rule in rules():
        if not in_country_question(rule) and actions_after(rule) == [contract.ANSWER_TREATMENT]:
            answered |= first_intents(rule)
    assert answered == set(contract.treatment_intents()) | {contract.FOLLOW_UP}


def test_the_country_question_rules_match_the_contract() -> None:
    """Each interruption is answered by its action and the question asked again; exactly the
    contract's interruptions and endings have rules while the question is open."""
    interrupting: Dict[str, str] = {}
    ending: Set[str] = set()
    for rule in rules():
        if not in_country_question(rule) or not first_intents(rule):
            continue
        actions = actions_after(rule)
        if actions[-1:] == [contract.COUNTRY_FORM]:
            for intent in first_intents(rule):
                interrupting[intent] = actions[0]
        else:
            ending |= first_intents(rule)
    assert interrupting == contract.country_question_interruptions()
    assert ending == set(contract.ENDS_COUNTRY_QUESTION)


def test_every_action_the_rules_name_is_in_the_domain() -> None:
    known = set(DOMAIN["actions"]) | set(DOMAIN["forms"]) | set(DOMAIN["responses"]) | {
        "action_two_stage_fallback", "action_deactivate_loop"}
    for rule in rules():
        for action in actions_after(rule):
            assert action in known, (rule["rule"], action)


def test_every_intent_in_the_domain_has_training_data_and_a_rule() -> None:
    trained = {m.get("intent") for m in load_data(str(PROJECT_DIR / "data" / "nlu")).intent_examples}
    ruled = set().union(*(first_intents(rule) for rule in rules()))
    for intent in DOMAIN["intents"]:
        assert intent in trained, intent
        assert intent in ruled, intent


def test_the_contract_names_slots_and_actions_of_the_domain() -> None:
    assert contract.COUNTRY_SLOT in DOMAIN["slots"] and contract.COUNTRY_FORM in DOMAIN["forms"]
    for name in (contract.ANSWER_TREATMENT, contract.ESCALATE, contract.EMERGENCY_ACTION,
                 contract.SMALLTALK, contract.OTHER_LANGUAGE_ACTION, contract.LIST_SUPPORT,
                 contract.SPECIALIST_CENTRE_ACTION, contract.OFFER_SUPPORT):
        assert name in DOMAIN["actions"], name


def test_payloads_are_json() -> None:
    assert contract.intent_payload("ask_prrt") == "/ask_prrt"
    assert contract.intent_payload("ask_followup", treatment="prrt", aspect="how_given") == \
        '/ask_followup{"treatment": "prrt", "aspect": "how_given"}'


def offered_payloads() -> Set[str]:
    """Every "/" payload a button of the domain or of an action can carry."""
    from actions import fallback, support, treatments

    terminology = load_terminology()
    buttons = [b for variations in DOMAIN["responses"].values() for v in variations
               for b in v.get("buttons") or []]
    buttons += fallback.likeliest_suggestions(
        [{"name": name} for name in fallback.suggestion_titles(DOMAIN)], DOMAIN, count=100)
    buttons.append(fallback.something_else(DOMAIN))
    for aspect in [None, *terminology.aspects]:
        buttons += treatments.treatment_buttons(aspect)
    for topic in terminology.treatments:
        buttons += treatments.aspect_buttons(topic, None, DOMAIN)
    buttons += treatments.feedback_buttons(DOMAIN)
    payloads = {b["payload"] for b in buttons} | {support.SUPPORT_GROUPS_PAYLOAD}
    return {payload for payload in payloads if payload.startswith("/")}


def test_every_payload_a_button_offers_is_read_as_a_quick_reply() -> None:
    payloads = offered_payloads()
    assert len(payloads) > 50, payloads  # treatments × aspects, follow-ups, hand-offs, feedback
    assert {"/feedback_helpful", "/feedback_not_helpful"} <= payloads
    assert not [p for p in payloads if not contract.is_quick_reply_payload(p)]


def test_no_typed_intent_or_entity_passes_for_a_quick_reply() -> None:
    for typed in ["/greet", "/emergency", "/inform_country", '/inform_country{"country": "x"}',
                  "/nlu_fallback", "/restart", "/ask_prrt@0.99", "/ask_prrt ", " /ask_prrt",
                  '/ask_prrt{"aspect": "I want to die"}', '/ask_prrt{"treatment": "surgery"}',
                  '/ask_prrt{"aspect":"how_given"}', '/ask_prrt{"aspect": ["how_given"]}',
                  '/ask_prrt{}', '/ask_followup{"treatment": "prrt", "aspect": "goal"} hi',
                  '/ask_followup{"aspect": "goal", "aspect": "cost"}', "/", "",
                  '/out_of_scope{"aspect": "goal"}', "/ask_prrt\n",
                  '/feedback_helpful{"aspect": "goal"}', "/feedback_not_helpful{}",
                  "/missing_info_requested"]:
        assert not contract.is_quick_reply_payload(typed), typed


def test_the_top_level_modules_do_not_import_rasa_but_those_that_drive_it() -> None:
    """The top level's operations other than training, serving and measuring the model are
    usable without Rasa (the sub-packages: tests/test_import_direction.py)."""
    adapters = {"evaluation.py", "model.py", "servers.py", "benchmark.py"}
    for path in Path(PROJECT_DIR / "net_assistant").glob("*.py"):
        if path.name in adapters:
            continue
        text = path.read_text(encoding="utf-8")
        assert "import rasa" not in text and "from rasa" not in text, path.name
