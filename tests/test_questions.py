"""Which treatment and aspect a message asks about, including follow-ups."""
from net_assistant.knowledge.questions import resolve_question
from net_assistant.knowledge.terminology import load_terminology


def entity(label, value):
    return {"entity": label, "value": value}


def resolve(intent, entities=(), current=None):
    return resolve_question(load_terminology(), intent, entities, current)


def test_the_intent_names_the_treatment():
    assert resolve("ask_chemotherapy").topic == "chemotherapy"


def test_a_follow_up_keeps_the_treatment_under_discussion():
    question = resolve("ask_followup", [entity("aspect", "given")], current="chemotherapy")
    assert (question.topic, question.aspect) == ("chemotherapy", "how_given")


def test_naming_another_treatment_switches_topic():
    question = resolve("ask_followup", [entity("treatment", "PRRT")], current="chemotherapy")
    assert question.topic == "prrt"


def test_the_entity_wins_when_the_classifier_picked_a_neighbour():
    assert resolve("ask_radiation_therapy", [entity("treatment", "Lutathera")]).topic == "prrt"


def test_the_intent_wins_when_it_is_among_the_named_treatments():
    question = resolve("ask_prrt", [entity("treatment", "radiation"), entity("treatment", "PRRT")])
    assert question.topic == "prrt"


def test_no_treatment_anywhere_means_no_topic():
    assert resolve("ask_followup", [entity("aspect", "given")]).topic is None


def test_sub_topic_terms_are_kept_as_focus():
    question = resolve("ask_surgery", [entity("treatment", "Whipple procedure")])
    assert question.focus_terms == ("whipple procedure",)


def test_every_aspect_asked_is_kept_most_specific_first():
    question = resolve("ask_prrt", [entity("aspect", "what is"), entity("aspect", "side effects")])
    assert question.aspect == "side_effects"
    assert question.aspects == ("side_effects", "what_is")


def test_overview_terms_inside_a_specific_question_do_not_override_the_intent():
    question = resolve("ask_treatments_under_development",
                       [entity("treatment", "treatments for NETs")])
    assert question.topic == "treatments_under_development"


def test_a_follow_up_naming_only_another_treatment_asks_the_same_question_about_it():
    question = resolve_question(load_terminology(), "ask_followup",
                                [entity("treatment", "PRRT")], "chemotherapy", "how_given")
    assert (question.topic, question.aspect) == ("prrt", "how_given")


def test_a_new_question_does_not_inherit_the_previous_aspect():
    question = resolve_question(load_terminology(), "ask_prrt", [entity("treatment", "PRRT")],
                                "chemotherapy", "how_given")
    assert question.aspect is None


def test_the_story_around_the_question_asks_no_aspect():
    text = "They want to start me on octreotide when the scans are back. What is it?"
    when = {"entity": "aspect", "value": "when", "start": text.index("when")}
    what = {"entity": "aspect", "value": "what is", "start": text.index("What is")}
    question = resolve_question(load_terminology(), "ask_somatostatin_analogues", [when, what],
                                text=text)
    assert question.aspects == ("what_is",)


def test_a_message_that_only_asks_keeps_every_aspect():
    text = "when is it used and what is it?"
    found = [{"entity": "aspect", "value": "when", "start": 0},
             {"entity": "aspect", "value": "what is", "start": text.index("what is")}]
    question = resolve_question(load_terminology(), "ask_prrt", found, text=text)
    assert set(question.aspects) == {"when_used", "what_is"}


def test_the_treatment_the_question_names_is_its_topic_not_the_storys():
    text = "Is PRRT a kind of chemo? Her CT showed the liver mets have grown."
    found = [{"entity": "treatment", "value": "PRRT", "start": 3},
             {"entity": "treatment", "value": "liver mets", "start": text.index("liver")}]
    question = resolve_question(load_terminology(), "ask_liver_directed_therapy", found, text=text)
    assert question.topic == "prrt"


def test_a_question_that_names_no_treatment_is_about_the_one_its_story_names():
    text = "I keep reading about PRRT in the groups. What is it?"
    found = [{"entity": "treatment", "value": "PRRT", "start": text.index("PRRT")}]
    assert resolve_question(load_terminology(), "ask_support_groups", found, text=text).topic == "prrt"


def _named(text, *terms):
    return [{"entity": "treatment", "value": term, "start": text.index(term)} for term in terms]


def test_a_story_that_names_treatments_does_not_outvote_the_question_the_classifier_read():
    text = "My husband has had surgery, then lanreotide. What are all the options for NETs?"
    found = _named(text, "surgery", "lanreotide")
    question = resolve_question(load_terminology(), "ask_treatment_options", found, text=text)
    assert question.topic == "treatment_options"


def test_a_question_that_points_back_is_about_the_treatment_its_story_names():
    text = "My dad has just started lanreotide. How is it given?"
    found = _named(text, "lanreotide")
    assert resolve_question(load_terminology(), "ask_prrt", found, text=text).topic == (
        "somatostatin_analogues")


def test_a_follow_up_that_points_back_stays_with_the_treatment_under_discussion():
    """The classifier reads "diarrhoea" as the symptom medicines; "it" is the lanreotide."""
    text = "does it help the diarrhoea too?"
    question = resolve_question(load_terminology(), "ask_symptom_medications", [],
                                "somatostatin_analogues", text=text)
    assert question.topic == "somatostatin_analogues"


def test_a_follow_up_that_does_not_point_back_goes_where_the_classifier_read():
    text = "are there tablets for the diarrhoea?"
    question = resolve_question(load_terminology(), "ask_symptom_medications", [],
                                "somatostatin_analogues", text=text)
    assert question.topic == "symptom_medications"
