"""Whole conversations over the REST channel against the real Rasa and action servers."""
from __future__ import annotations

from typing import List

import pytest

from net_assistant.servers import Assistant
from tests.conftest import Chat, assert_traceable, sender_id

pytestmark = pytest.mark.slow

DISCLAIMER = "can't give medical advice"


def assert_traceable_answers(turn) -> None:
    """Every answer of kind "answer" quotes the passages its metadata names, traced to a source."""
    answers = [(text, meta) for text, meta in turn.answers if meta["kind"] == "answer"]
    assert answers
    for text, meta in answers:
        assert_traceable(text, meta)


def test_hello_gets_the_disclaimer_and_a_greeting(chat):
    turn = chat.send("hello")
    assert DISCLAIMER in turn.texts[0]
    assert "Hello!" in turn.text
    assert set(turn.kinds) == {"smalltalk"}


def test_a_first_message_that_is_a_question_gets_the_disclaimer_and_the_answer(chat):
    turn = chat.send("what is PRRT?")
    assert DISCLAIMER in turn.texts[0]
    assert turn.last("kind") == "answer" and turn.last("topic") == "prrt"
    assert_traceable_answers(turn)


def test_the_disclaimer_is_given_once_per_conversation(chat):
    chat.send("hi")
    assert DISCLAIMER not in chat.send("what is chemotherapy").text


def test_follow_ups_stay_on_the_topic_and_can_switch(chat):
    first = chat.send("tell me about chemotherapy")
    assert first.last("topic") == "chemotherapy"
    follow_up = chat.send("how is it given?")
    assert (follow_up.last("topic"), follow_up.last("aspect")) == ("chemotherapy", "how_given")
    assert_traceable_answers(follow_up)
    switched = chat.send("what about PRRT?")
    assert switched.last("topic") == "prrt"


def test_uncovered_questions_say_so_and_give_what_the_sources_say(chat):
    turn = chat.send("what is the success rate of PRRT")
    assert turn.last("kind") == "answer" and turn.last("not_covered") == "success_rate"
    assert "doesn't cover success rates" in turn.text
    assert_traceable_answers(turn)


@pytest.mark.parametrize("message, topic", [
    ("My dad has just been diagnosed with a NET in his bowel. What treatments are there?",
     "treatment_options"),
    ("I start lanreotide next week - how is it given?", "somatostatin_analogues"),
])
def test_a_general_question_with_personal_context_is_answered(chat, message, topic):
    turn = chat.send(message)
    assert (turn.last("kind"), turn.last("topic")) == ("answer", topic)
    assert turn.last("personal_context") is True
    assert_traceable_answers(turn)


def test_a_message_in_another_language_is_answered_in_english_with_groups(chat):
    turn = chat.send("Hallo, welche Behandlungen gibt es für neuroendokrine Tumoren?")
    assert turn.last("kind") == "fallback" and turn.last("language") == "de"
    assert "only answer in English" in turn.text and "112" in turn.text
    assert "NET patient groups in countries where German is spoken" in turn.text


@pytest.mark.parametrize("message", [
    "my fishing net is torn, how do I fix it?",
    "how do I reset my router?",
])
def test_look_alikes_are_declined_not_escalated(chat, message):
    assert chat.send(message).last("kind") == "fallback"


@pytest.mark.parametrize("message", [
    "should I have PRRT?",
    "my dad's Ki-67 is 20%, what does that mean for him",
    "which kind of NET is mine?",
    "can I skip my lanreotide injection this month",
])
def test_personal_questions_go_to_the_care_team(chat, message):
    turn = chat.send(message)
    assert turn.last("kind") == "escalation"
    assert "doctor or specialist NET team" in turn.text


def test_a_personal_follow_up_is_escalated_with_the_topic_under_discussion(chat):
    chat.send("what is everolimus")
    turn = chat.send("should I have it?")
    assert turn.last("kind") == "escalation" and turn.last("topic") == "targeted_therapy"


def test_an_emergency_in_a_treatment_conversation_gets_only_the_emergency_instruction(chat):
    chat.send("how is chemo given")
    turn = chat.send("I can't breathe and my chest hurts")
    assert turn.kinds == ["emergency"]
    assert "112" in turn.text and "999" in turn.text and "911" in turn.text
    assert not turn.buttons
    after = chat.send("thanks")
    assert after.kinds[0] == "emergency"


def test_an_emergency_as_the_first_message_gets_nothing_but_the_instruction(chat):
    turn = chat.send("my husband has collapsed and isn't breathing properly")
    assert turn.kinds == ["emergency"] and DISCLAIMER not in turn.text
    assert DISCLAIMER in chat.send("what should we do while we wait").text


def test_thoughts_of_self_harm_get_a_crisis_line(chat):
    turn = chat.send("i just want to end my life")
    assert turn.kinds == ["emergency"]
    assert "116 123" in turn.text


def test_out_of_scope_is_declined_kindly_with_the_main_topics(chat):
    turn = chat.send("what's the weather like in Paris tomorrow")
    assert turn.last("kind") == "fallback"
    assert "Sorry, I can't help with that" in turn.text
    assert len(turn.buttons) >= 3


def test_support_groups_ask_for_the_country_then_list_groups(chat):
    asked = chat.send("are there any support groups?")
    assert "Which country" in asked.text
    listed = chat.send("Germany")
    assert listed.last("kind") == "support"
    names = " ".join(org["name"] for org in listed.last("organisations"))
    assert "Netzwerk Neuroendokrine Tumoren" in names and "INCA" in names


def test_the_country_question_can_be_interrupted_and_stopped(chat):
    chat.send("I'd like to find a support group")
    interrupted = chat.send("actually, what is PRRT?")
    assert interrupted.kinds[0] == "answer" and "Which country" in interrupted.text
    stopped = chat.send("stop")
    assert stopped.last("kind") == "support" and "leave that there" in stopped.text


def test_garbage_input_gets_a_polite_answer(chat):
    for message in ["", "   ", "?" * 3000, "<script>alert(1)</script>", "😀😀😀", "asdfghjkl"]:
        turn = chat.send(message)
        assert turn.texts and turn.kinds, message
        assert set(turn.kinds) <= {"fallback", "smalltalk"}, (message, turn.kinds)


def test_a_huge_message_is_answered_promptly_not_left_hanging(chat):
    # Before the MessageLengthLimit component, 100,000 characters took about 50 s; now the
    # channel refuses it politely before the NLU reads it, and the next message is read.
    turn = chat.send("what is PRRT " * 8000, timeout=30)
    assert "too long" in turn.text and turn.last("kind") == "fallback"
    assert chat.send("what is PRRT").last("topic") == "prrt"


# One-word messages a classifier is often unsure of; which ones it is unsure of depends on the
# training, so the test below finds two (a typed "/nlu_fallback" is read as text: see
# net_assistant.rasa_adapters.components.TypedCommandGuard).
VAGUE_WORDS = ("tablets", "drugs", "results", "tumour", "therapy", "hospital", "medication",
               "scans", "cancer", "pills", "options", "the treatment")


def unclear_words(assistant: Assistant, wanted: int = 2) -> List[str]:
    """Words that get "Did you mean…?" as the first message of a conversation of their own."""
    found = []
    for word in VAGUE_WORDS:
        turn = Chat(assistant.rasa_url, sender_id(f"probe-{word}")).send(word)
        if "Did you mean" in turn.text:
            found.append(word)
        if len(found) == wanted:
            break
    return found


def test_low_confidence_asks_did_you_mean_then_to_rephrase_then_hands_off(chat, assistant):
    """Rasa's two-stage fallback: guess, ask to rephrase, guess again, then hand off."""
    first_word, second_word = unclear_words(assistant)
    first = chat.send(first_word)
    assert "Did you mean" in first.text and first.last("kind") == "fallback"
    assert {"title": "Something else", "payload": "/out_of_scope"} in first.buttons  # quick reply
    rephrase = chat.send("/out_of_scope")
    assert "say it in other words" in rephrase.text
    asked_again = chat.send(second_word)
    assert "Did you mean" in asked_again.text
    hand_off = chat.send("/out_of_scope")
    assert "couldn't understand" in hand_off.text
    assert "/ask_support_groups" in [button["payload"] for button in hand_off.buttons]


@pytest.mark.parametrize("message, kind, said", [
    ("hello", "smalltalk", "Hello!"),
    ("thanks", "smalltalk", "You're welcome"),
    ("is there a specialist centre near me?", "support", "ENETS"),
])
def test_greetings_thanks_and_a_centre_request_during_the_country_question(chat, message, kind,
                                                                           said):
    chat.send("I'd like to find a support group")
    turn = chat.send(message)
    assert kind in turn.kinds and said in turn.text
    assert "not recognise" not in turn.text and "Which country" in turn.text


def test_after_an_emergency_the_next_answer_repeats_the_call_for_help_once(chat):
    assert chat.send("I can't breathe").last("kind") == "emergency"
    answer = chat.send("what is PRRT?")
    assert answer.kinds[:2] == ["smalltalk", "emergency"]  # the disclaimer, then the reminder
    assert answer.last("kind") == "answer" and "emergency number" in answer.text
    assert "emergency" not in chat.send("how is it given?").kinds
