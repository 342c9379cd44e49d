"""Text normalisation before the safety rules read a message.

Patients type "can't", "cant" and "cannot", "39°C" and "39 c", curly and straight apostrophes;
the rules in ``content/safety_rules.yml`` are written for one tidied spelling of each, so a
pattern covers every variant. Fishing nets and net pay are joined into one word here, so no
rule reads them as a neuroendocrine tumour (NET).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Tuple

# Words next to "net" that make it a thing, not a neuroendocrine tumour.
NET_LOOKALIKE_BEFORE = (
    "fishing", "fish", "hair", "safety", "butterfly", "mosquito", "basketball", "football", "goal",
    "tennis", "volleyball", "netball", "landing", "cargo", "shark", "drift", "gill", "dip", "cast",
    "trawl", "trawler", "climbing", "cricket", "badminton", "golf", "bird", "garden", "fruit",
    "pea", "bean", "mesh", "string", "shopping", "social", "spider",
)
NET_LOOKALIKE_AFTER = (
    "curtains?", "pay", "income", "salary", "profit", "profits", "worth", "weight", "loss",
    "gain", "price", "prices", "balance", "zero", "neutral", "framework", "core", "connection",
    "speed", "banking", "bag", "bags", "ball", "fence", "result", "migration", "flow", "amount",
    "sales", "cost", "costs", "contribution", "earnings", "wage", "wages", "tax", "assets",
)
_APOSTROPHES = re.compile("[\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc]")
_QUOTES = re.compile("[\u201c\u201d\u201e\u201f\u2033]")
# Before NFKC, which would turn "º" into "o".
_DEGREE_SIGNS = re.compile("[\u00b0\u00ba\u02da]")
_REWRITES: Tuple[Tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(?:can'?t|cannot|cnt|carnt|kant|cannt)\b", "can not"),
        (r"\bwon'?t\b", "will not"),
        (r"\bshan'?t\b", "shall not"),
        (r"\bain'?t\b", "is not"),
        (r"\b(do|does|did|is|are|was|were|should|could|would|must|have|has|had|need)n'?t\b",
         r"\1 not"),
        (r"\bi'?m\b", "i am"),
        (r"\bi'?ve\b", "i have"),
        (r"\bi'll\b", "i will"),
        (r"\bwe're\b", "we are"),
        (r"\bwe've\b", "we have"),
        # The lookup lemmatizer reads every "'s" as "has": spell out the pronoun forms.
        (r"\b(he|she|it|that|there|what|who)'?s (been|got|had|gone|taken|lost|started|stopped|"
         r"missed|become|done|never|just|always|already)\b", r"\1 has \2"),
        (r"\b(he|she|it|that|there|what|who)'s\b", r"\1 is"),
        (r"\b(he|she|that|what)s\b", r"\1 is"),
        (r"\bwanna\b", "want to"),
        (r"\bgonna\b", "going to"),
        (r"\bgotta\b", "got to"),
        # Texting: "r there tablets for it", "can u tell me", "ppl on lanreotide", "pls", "wat".
        (r"\br (there|they|these|those|you|u|we|the|any|all|people|ppl)\b", r"are \1"),
        (r"\bu\b", "you"),
        (r"\bppl\b", "people"),
        (r"\b(?:pls|plz|plez)\b", "please"),
        (r"\b(?:coz|cuz|cos)\b", "because"),
        (r"\b(?:wat|wot|wht)\b", "what"),
        (r"\bki[\s-]?67\b", "ki-67"),
        # "net" that is not a tumour: fishing nets, net curtains, net pay, .NET. Joined into one
        # word, so no rule reads it as "NET".
        (r"(?<!\w)\.net\b", "dotnet"),
        (rf"\b({'|'.join(NET_LOOKALIKE_BEFORE)}) (nets?)\b", r"\1\2"),
        (rf"\b(nets?) ({'|'.join(NET_LOOKALIKE_AFTER)})\b", r"\1\2"),
        # 38,5 (decimal comma) -> 38.5, but leave 1,000 alone.
        (r"\b(\d+),(\d)\b(?!\d)", r"\1.\2"),
        # 39°C, 39 ºc, 102F -> "39 degrees c"; 120mg -> "120 mg".
        (r"(\d)\s*°\s*", r"\1 degrees "),
        (r"\b(\d+(?:\.\d+)?)\s*(c|f)\b", r"\1 degrees \2"),
        (r"\b(\d+(?:\.\d+)?)([a-zµ]+)\b", r"\1 \2"),
        (r"\s+", " "),
    )
)


def normalise_text(text: str) -> str:
    """Lower-case ``text`` and iron out what patients type, so one pattern covers all variants.

    Curly apostrophes, "cant"/"cannot"/"can't", "im"/"I'm", "wanna", texting ("r u", "ppl",
    "pls"), "39°C", "120mg", "Ki67" and stray spaces all reach the matcher in one spelling.
    """
    text = unicodedata.normalize("NFKC", _DEGREE_SIGNS.sub("\u00b0", text))
    text = _QUOTES.sub('"', _APOSTROPHES.sub("'", text)).lower()
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text.strip()
