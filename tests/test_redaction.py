"""The privacy filter: what identifies a person goes, medical words and treatment names stay."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from net_assistant.content.loading import CONTENT_DIR, ContentError
from net_assistant.redaction import is_nhs_number, load_rules, redact
from net_assistant.knowledge.terminology import load_terminology

REDACTED = [
    # names after an introduction
    ("my name is Anna Smith, should I stop my lanreotide?",
     "my name is [name], should I stop my lanreotide?"),
    ("My name is anna and I have a NET", "My name is [name] and I have a NET"),
    ("my names Siobhán O'Neill", "my names [name]"),
    ("Hi, I'm Sarah. What is PRRT?", "Hi, I'm [name]. What is PRRT?"),
    ("Hi I’m Zoë Müller, how is octreotide given", "Hi I’m [name], how is octreotide given"),
    ("I am Mary-Jane and my mum has a carcinoid", "I am [name] and my mum has a carcinoid"),
    ("this is Tom from Leeds, what is surgery like", "this is [name] from Leeds, what is surgery like"),
    ("Hello, it's Priya again", "Hello, it's [name] again"),
    ("call me Bob", "call me [name]"),
    # people named by relationship or title
    ("my husband John has just started lanreotide", "my husband [name] has just started lanreotide"),
    ("My wife, Mary, is having PRRT", "My wife, [name], is having PRRT"),
    ("my mum Jean's NET is grade 2", "my mum [name]'s NET is grade 2"),
    ("our daughter Emily Rose was diagnosed", "our daughter [name] was diagnosed"),
    ("my dad (Peter) needs a Whipple", "my dad ([name]) needs a Whipple"),
    ("Dr Patel said I need chemotherapy", "Dr [name] said I need chemotherapy"),
    ("Dr. Khan wants to try everolimus", "Dr. [name] wants to try everolimus"),
    ("Professor Caplin mentioned PRRT", "Professor [name] mentioned PRRT"),
    ("I saw Mrs Jones, the nurse", "I saw Mrs [name], the nurse"),
    # signatures
    ("What is PRRT? Thanks, Jo", "What is PRRT? Thanks, [name]"),
    ("how is it given? thanks Anna!", "how is it given? thanks [name]!"),
    ("Is surgery an option?\nBest wishes,\nSam Taylor", "Is surgery an option?\nBest wishes,\n[name]"),
    ("Many thanks - Olu", "Many thanks - [name]"),
    ("what does lanreotide do? cheers, Dave x", "what does lanreotide do? cheers, [name] x"),
    ("Kind regards, Margaret", "Kind regards, [name]"),
    # e-mail addresses
    ("email me at anna.smith@example.co.uk please", "email me at [email] please"),
    ("my address is j_doe+net@mail.example.org.", "my address is [email]."),
    # phone numbers, UK, EU and international
    ("call me on 07700 900123", "call me on [phone]"),
    ("ring 07700900123 after 5", "ring [phone] after 5"),
    ("my number is +44 7700 900123", "my number is [phone]"),
    ("landline (020) 7946 0958", "landline [phone]"),
    ("+44 (0)20 7946 0958 is the clinic", "[phone] is the clinic"),
    ("0161 496 0000 is my home", "[phone] is my home"),
    ("in Germany: +49 30 123456789", "in Germany: [phone]"),
    ("French mobile 06 12 34 56 78", "French mobile [phone]"),
    ("+33 1 23 45 67 89", "[phone]"),
    ("US: 555-123-4567", "US: [phone]"),
    ("+1 (555) 123-4567", "[phone]"),
    ("0044 20 7946 0958", "[phone]"),
    ("text me on 946 0958", "text me on [phone]"),
    ("phone: 123 4567", "phone: [phone]"),
    # postcodes
    ("I live at SW1A 1AA", "I live at [postcode]"),
    ("postcode m1 1ae, is there a centre near me?", "postcode [postcode], is there a centre near me?"),
    ("near B33 8TH", "near [postcode]"),
    ("EC1A1BB", "[postcode]"),
    ("PLZ 10115 Berlin", "PLZ [postcode] Berlin"),
    ("my postcode is 1012 AB in Amsterdam", "my postcode is [postcode] in Amsterdam"),
    ("code postal 75001", "code postal [postcode]"),
    ("postal code: 00-950 Warsaw", "postal code: [postcode] Warsaw"),
    ("zip 90210", "zip [postcode]"),
    ("postnummer 114 55", "postnummer [postcode]"),
    # dates and dates of birth
    ("born 12/03/1965", "born [date]"),
    ("DOB: 3.4.65", "DOB: [date]"),
    ("date of birth 1965-03-12", "date of birth [date]"),
    ("I was born on 12 March 1965", "I was born on [date]"),
    ("born in 1958, is PRRT safe?", "born in [date], is PRRT safe?"),
    ("my scan is on the 3rd of June", "my scan is on the [date]"),
    ("appointment March 14th, 2024", "appointment [date]"),
    ("seen on 1 May", "seen on [date]"),
    ("my op was on 14/2/23.", "my op was on [date]."),
    # NHS numbers and other long numbers
    ("my NHS number is 943 476 5919", "my NHS number is [NHS number]"),
    ("NHS no: 9434765919", "NHS no: [NHS number]"),
    ("it is 943-476-5919", "it is [NHS number]"),
    ("hospital number RM123456", "hospital number RM[number]"),
    ("reference 12345678", "reference [number]"),
    # several at once
    ("I'm Anna (anna@example.com, 07700 900123), SW1A 1AA, born 01/02/1970",
     "I'm [name] ([email], [phone]), [postcode], born [date]"),
]

NOT_REDACTED = [
    # medical words, treatments, doses, grades, scans
    "what is PRRT?",
    "How is Lanreotide given?",
    "I'm on Lanreotide every 28 days",
    "I'm worried about PRRT",
    "I'm Scared of surgery",
    "I am not sure about chemo",
    "this is Lutathera right?",
    "This is Octreotide LAR?",
    "this is Sandostatin, is it the same as octreotide?",
    "It's Everolimus 10 mg daily",
    "lanreotide 120 mg every 28 days",
    "Octreotide LAR 30mg monthly",
    "Sunitinib 37.5 mg",
    "my mum has a Ki-67 of 20%",
    "is 177Lu-DOTATATE the same as PRRT?",
    "Lu-177 and Y-90 SIRT",
    "Y90 1st cycle",
    "Ga-68 PET scan last week",
    "I had a Whipple in 2019",
    "CAPTEM for 6 cycles",
    "grade 2 pancreatic NET, stage 4",
    "what does TACE involve?",
    "my husband's NET has spread to the liver",
    "my mum NET diagnosis",
    "my dad Has a carcinoid tumour",
    "Dr said chemotherapy",
    "thanks, that helps",
    "Thanks Again",
    "Thanks for the information about Interferon",
    "Best Option for me?",
    "I'm British and live in London",
    "this is Very scary",
    "Hello, it's Monday and I'm having PRRT",
    "my name is not important",
    "it may 2 be too late",
    "I have 4 cycles over 8 weeks, from 2015-2019",
    "24/7 support line",
    "1 in 3 people",
    "the Christie in Manchester",
    "Is the Royal Free a NET centre?",
    "£12,000 for treatment?",
    "chromogranin A 150",
    "5-HIAA test",
]


@pytest.mark.parametrize("text, expected", REDACTED)
def test_identifying_details_are_replaced(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", NOT_REDACTED)
def test_medical_words_treatments_and_ordinary_words_stay(text):
    assert redact(text) == text


def test_no_treatment_name_or_term_is_ever_taken_for_a_name():
    terminology = load_terminology()
    phrases = [t.name for t in terminology.treatments.values()]
    phrases += [term for t in terminology.treatments.values() for term in t.terms]
    for phrase in phrases:
        capitalised = " ".join(word[:1].upper() + word[1:] for word in phrase.split())
        for cue in ("I'm on", "this is", "my husband", "Thanks,"):
            text = f"{cue} {capitalised}"
            assert redact(text) == text, text


def test_nhs_numbers_are_recognised_by_their_check_digit():
    assert is_nhs_number("943 476 5919")
    assert not is_nhs_number("943 476 5918")
    assert redact("943 476 5918") == "[phone]"  # ten digits: still not shown


def test_the_placeholders_come_from_the_content_file(tmp_path: Path):
    for name in ("redaction.yml", "terminology.yml"):
        (tmp_path / name).write_text((CONTENT_DIR / name).read_text(encoding="utf-8"))
    text = (tmp_path / "redaction.yml").read_text().replace('email: "[email]"', 'email: "<e-mail>"')
    (tmp_path / "redaction.yml").write_text(text)
    assert load_rules(tmp_path).placeholders["email"] == "<e-mail>"


def test_a_broken_content_file_names_what_is_wrong(tmp_path: Path):
    (tmp_path / "redaction.yml").write_text(textwrap.dedent("""
        placeholders: {name: "[name]"}
    """))
    with pytest.raises(ContentError, match="placeholders must be exactly"):
        load_rules(tmp_path)


@pytest.mark.parametrize("text, expected", REDACTED)
def test_redacting_twice_changes_nothing_more(text, expected):
    assert redact(expected) == expected
