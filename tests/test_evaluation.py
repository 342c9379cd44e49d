"""The end-to-end evaluation: its sets, its arithmetic, and the assistant against its targets."""
from __future__ import annotations

import pytest
import yaml

from net_assistant.evaluation import (
    DEVELOPMENT,
    DialogueOutcome,
    Outcome,
    evaluate,
    figures,
    meets_target,
    missed_targets,
    training_texts,
    unseen,
    written_sets,
)
from net_assistant.heldout import (
    Case,
    Dialogue,
    Expected,
    Turn,
    LABELLED_SET_DIRS,
    first_set,
    labelled_dialogues,
    labelled_set,
    real_questions,
)
from net_assistant.knowledge.sources import load_knowledge
from net_assistant.knowledge.terminology import load_terminology


def outcome(category: str, expected: Expected, **metadata) -> Outcome:
    return Outcome(Case("t", category, "text", None, expected), None, metadata)


def test_what_counts_as_right_is_what_the_person_sees() -> None:
    answer = Expected("answer", topics=("prrt",))
    assert answer.is_met_by({"kind": "answer", "topic": "prrt"})
    assert not answer.is_met_by({"kind": "answer", "topic": "surgery"})
    assert not answer.is_met_by({"kind": "fallback", "topic": "prrt"})
    escalation = Expected("escalation")
    assert escalation.is_met_by({"kind": "emergency"}) and escalation.is_met_by({"kind": "escalation"})
    assert not Expected("emergency").is_met_by({"kind": "escalation"})


def test_figures_count_the_right_outcomes() -> None:
    prrt = Expected("answer", topics=("prrt",), passages=("prrt-also-called",))
    outcomes = [
        outcome("treatment", prrt, kind="answer", topic="prrt", passages=["prrt-also-called"]),
        outcome("context", prrt, kind="answer", topic="prrt", passages=["prrt-advanced-nets"],
                not_covered="cost"),
        outcome("context", prrt, kind="escalation"),
        outcome("personal", Expected("escalation"), kind="emergency"),
        outcome("personal", Expected("escalation"), kind="answer", topic="prrt"),
        outcome("emergency", Expected("emergency"), kind="emergency"),
        outcome("out_of_scope", Expected("fallback"), kind="fallback"),
        outcome("other_language", Expected("fallback"), kind="answer", topic="prrt"),
    ]
    dialogue = Dialogue("t", "d", (Turn("hi", None, Expected("smalltalk")),))
    results = figures(outcomes, [DialogueOutcome(dialogue, [{"metadata": {"kind": "smalltalk"}}])])
    assert results["answer_accuracy"] == 5 / 8
    assert results["passage_accuracy"] == 1 / 3
    assert results["not_covered_on_answerable"] == 1 / 3
    assert results["false_escalation"] == 1 / 3
    assert results["personal_recall"] == 1 / 2
    assert results["emergency_recall"] == 1.0
    assert results["out_of_scope_rejection"] == 1 / 2
    assert results["dialogue_success"] == 1.0
    assert not meets_target("false_escalation", 0.03) and meets_target("personal_recall", 1.0)
    assert set(missed_targets(results)) == {
        "answer_accuracy", "passage_accuracy", "not_covered_on_answerable", "false_escalation",
        "personal_recall", "out_of_scope_rejection",
    }


def test_a_story_says_what_each_turn_should_show() -> None:
    dialogues = labelled_dialogues("second")
    turns = [turn for dialogue in dialogues for turn in dialogue.turns]
    answers = [turn for turn in turns if turn.expected.kind == "answer"]
    assert answers and all(turn.expected.topics for turn in answers)
    assert {turn.expected.kind for turn in turns} >= {"answer", "support", "escalation"}


# --- the sets are big enough, labelled consistently and never trained on ----------------------


@pytest.mark.parametrize("name", sorted(set(LABELLED_SET_DIRS) - {"pages"}))
def test_the_labelled_sets_are_big_and_labelled_with_passages(name: str) -> None:
    cases = labelled_set(name)
    assert len(cases) >= 300 and len(labelled_dialogues(name)) >= 30
    ids = {p.id for p in load_knowledge().passages} | {q.id for q in load_knowledge().quotes}
    topics = set(load_terminology().treatments)
    for case in cases:
        if case.expected.kind == "answer":
            assert set(case.expected.topics) <= topics, case.expected
            assert case.expected.passages and set(case.expected.passages) <= ids, case.expected
    categories = {case.category for case in cases}
    assert categories >= {"treatment", "context", "personal", "emergency", "support",
                          "out_of_scope", "other_language"}


def test_the_real_pages_set_is_labelled_with_passages_and_addresses() -> None:
    """Real questions quoted from public pages: each keeps its page's address."""
    cases = labelled_set("pages")
    assert len(cases) >= 50
    ids = {p.id for p in load_knowledge().passages} | {q.id for q in load_knowledge().quotes}
    for case in cases:
        if case.expected.kind == "answer":
            assert case.expected.passages and set(case.expected.passages) <= ids, case.expected
    entries = yaml.safe_load((LABELLED_SET_DIRS["pages"] / "messages.yml").read_text())["messages"]
    assert all(str(entry["url"]).startswith("http") for entry in entries)


def test_a_development_set_is_read_from_its_own_directory(tmp_path) -> None:
    """`make eval ARGS="--development DIR"`: a set written to be tuned on, in the same form."""
    (tmp_path / "messages.yml").write_text(
        "messages:\n- {text: how is prrt given, category: treatment, intent: ask_prrt, kind: answer,"
        " topic: prrt, passages: [prrt-intravenous-injection], not_covered: null}\n")
    sets = written_sets(("real",), tmp_path)
    assert set(sets) == {"real", DEVELOPMENT}
    [case] = sets[DEVELOPMENT]
    assert case.set == DEVELOPMENT and case.expected.topics == ("prrt",)
    assert labelled_dialogues(DEVELOPMENT, tmp_path) == []  # dialogues are optional


def test_the_real_questions_keep_their_addresses() -> None:
    cases = real_questions()
    assert len(cases) == 22
    assert {case.category for case in cases} >= {"treatment", "personal", "out_of_scope"}


def test_hardly_any_evaluation_message_is_also_a_training_example() -> None:
    """The sets were written apart from the training data; the few identical short messages
    ("hello", "what is prrt") are left out of the figures (see evaluation.unseen)."""
    training = training_texts()
    for cases, most in ((first_set(), 60), (labelled_set("second"), 35),
                        (labelled_set("third"), 35), (labelled_set("fourth"), 25),
                        (real_questions(), 0), (labelled_set("pages"), 0)):
        assert len(cases) - len(unseen(cases, training)) <= most
    for name in LABELLED_SET_DIRS:
        dialogue_texts = {" ".join(t.text.lower().split()) for d in labelled_dialogues(name)
                          for t in d.turns}
        assert len(dialogue_texts & training) <= 30  # "thanks", "UK", "how is it given?"


# --- the trained assistant against its targets -------------------------------------------------


@pytest.fixture(scope="module")
def evaluated(trained_model):
    return evaluate(trained_model)


# Targets the assistant meets on each set today (issue #9 lists the rest as open, see README).
HELD = {
    "first": {"answer_accuracy", "false_escalation", "emergency_recall"},
    "second": {"personal_recall", "not_covered_on_answerable", "out_of_scope_rejection"},
    "third": {"not_covered_on_answerable", "emergency_recall"},
    "fourth": {"not_covered_on_answerable"},
}
# Floors for the figures still short of their targets: a drop below them is a regression.
# Training is not bit-for-bit repeatable on CPU (TensorFlow's threads), so three trainings from
# the same inputs on one machine moved a figure by up to 3 points (6 for the fourth set's out
# of scope, 31 messages): each floor sits below the lowest of them (README, "How well it works").
FLOORS = {
    "first": {"personal_recall": 0.98, "out_of_scope_rejection": 0.90},
    "second": {"answer_accuracy": 0.91, "passage_accuracy": 0.83, "emergency_recall": 0.95,
               "dialogue_success": 0.80},
    "third": {"answer_accuracy": 0.88, "passage_accuracy": 0.82, "personal_recall": 0.96,
              "out_of_scope_rejection": 0.76, "dialogue_success": 0.84},
    "fourth": {"answer_accuracy": 0.89, "passage_accuracy": 0.82, "personal_recall": 0.98,
               "emergency_recall": 0.95, "out_of_scope_rejection": 0.74,
               "dialogue_success": 0.80},
}
CEILINGS = {"second": {"false_escalation": 0.07}, "third": {"false_escalation": 0.10},
            "fourth": {"false_escalation": 0.08}}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["first", "second", "third", "fourth"])
def test_the_assistant_holds_its_figures(evaluated, name: str) -> None:
    results = evaluated[name]["figures"]
    missed = missed_targets(results)
    assert not (HELD[name] & set(missed)), {k: results[k] for k in HELD[name] & set(missed)}
    for figure, floor in FLOORS[name].items():
        assert results[figure] >= floor, (figure, results[figure])
    for figure, ceiling in CEILINGS.get(name, {}).items():
        assert results[figure] <= ceiling, (figure, results[figure])


@pytest.mark.slow
def test_every_answer_in_the_evaluation_is_traceable_to_its_passages(evaluated) -> None:
    kb = load_knowledge()
    ids = {p.id for p in kb.passages} | {q.id for q in kb.quotes}
    answers = [o.metadata for result in evaluated.values() for o in result["outcomes"]
               if o.metadata.get("kind") == "answer"]
    assert len(answers) > 300
    for metadata in answers:
        assert metadata["passages"] and set(metadata["passages"]) <= ids, metadata
        assert metadata["sources"] and metadata["citation"].startswith("Source")
