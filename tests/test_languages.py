"""Messages in another language are recognised, and English ones never are."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from net_assistant.content.loading import PROJECT_DIR, ContentError, load_yaml
from net_assistant.support.directory import load_directory
from net_assistant.support.languages import LANGUAGES_FILE, load_languages, parse_languages

LANGUAGES = load_languages()


@pytest.mark.parametrize("text, code", [
    ("Was ist PRRT und wie wird sie gegeben?", "de"),
    ("Bonjour, quels sont les traitements pour une tumeur neuroendocrine ?", "fr"),
    ("¿Cómo se administra el lanreotide?", "es"),
    ("Quali sono le terapie per il tumore neuroendocrino?", "it"),
    ("Wat is PRRT en hoe wordt het gegeven?", "nl"),
    ("Jakie są metody leczenia guzów neuroendokrynnych?", "pl"),
])
def test_a_message_in_another_language_is_recognised(text: str, code: str) -> None:
    assert LANGUAGES.identify(text).code == code


@pytest.mark.parametrize("text", [
    "what is PRRT?", "hola", "Is Sandostatin a chemotherapy drug?", "my mum is in Berlin",
    "I had lutathera in der Klinik last year, how is it given?", "", "???",
])
def test_english_and_too_little_to_tell_are_left_alone(text: str) -> None:
    assert LANGUAGES.identify(text) is None


def test_the_training_data_agrees_with_the_language_check() -> None:
    """Every other_language example is recognised, and no example of another intent is."""
    examples = load_data(str(PROJECT_DIR / "data" / "nlu")).intent_examples
    disagree = [m.get("text") for m in examples
                if (LANGUAGES.identify(m.get("text")) is not None)
                != (m.get("intent") == "other_language")]
    assert not disagree


def test_every_language_names_countries_the_directory_knows() -> None:
    countries = load_directory().countries
    for language in LANGUAGES.languages.values():
        assert set(language.countries) <= set(countries), language.code


@pytest.mark.parametrize("change, message", [
    (lambda d: d["languages"]["de"]["words"].append("the"), "also English"),
    (lambda d: d["languages"]["fr"]["words"].append(True), "must be text"),
    (lambda d: d["languages"]["it"].pop("countries"), "countries"),
    (lambda d: d.pop("min_words"), "min_words"),
    (lambda d: d["languages"]["de"].update(wrods=["x"]), r"languages\.de\.wrods: is not a known key"),
    (lambda d: d["languages"]["es"].update(countries=[]), r"languages\.es\.countries: must not be"),
])
def test_broken_language_lists_are_reported(change, message: str) -> None:
    data = load_yaml(LANGUAGES_FILE)
    change(data)
    with pytest.raises(ContentError, match=message):
        parse_languages(data)
