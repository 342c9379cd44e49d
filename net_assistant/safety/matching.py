"""The safety rule layer: emergencies and personal medical questions found by reviewed rules.

The trained classifier can be wrong, and one wrong label must never turn "should I stop my
lanreotide?" into general advice or miss "I can't breathe". So ``content/safety_rules.yml`` holds
spaCy Matcher rules that a clinician can read, each with examples the tests check; this module
loads and validates that file (the only place that does) and runs the rules on a message.

"Should I take a coat?" has the same shape as "should I take lanreotide?", so a rule may need
medical context: it then fires only when the message also mentions a treatment or a health word
(the file's ``medical_context``), or is made only of the rule's own words and plain question words
("What should I do?", "How long have I got?").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple, Union

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from net_assistant.content.loading import CONTENT_DIR, ContentError, load_yaml, require
from net_assistant.limits import bound_text
from net_assistant.nlp import load_pipeline

SAFETY_RULES_FILE = "safety_rules.yml"
EMERGENCY = "emergency"
PERSONAL = "personal"
# Not safety, but decided the same reviewable way: asking for other patients or a support
# group, or for a specialist centre, is a hand-off even when a treatment is named.
SUPPORT = "support"
CENTRE = "centre"
HAND_OFF = (SUPPORT, CENTRE)
# Highest priority first: an emergency always wins over a personal question.
CATEGORIES = (EMERGENCY, PERSONAL, SUPPORT, CENTRE)
RULE_KEYS = {"id", "category", "description", "patterns", "exceptions", "examples_match",
             "examples_no_match", "needs_medical_context", "context_only"}
MEDICAL_CONTEXT = "medical_context"
MEDICAL_CONTEXT_KEYS = {"description", "patterns", "words_allowed_alone"}
LIST_PREFIX = "$"
# Attributes compared with lower-cased text: a value with capitals could never match.
LOWER_CASE_ATTRS = ("LOWER", "LEMMA", "NORM")
EXCEPTION_SUFFIX = "::exception"
# Matcher key of the medical-context patterns ("::" cannot occur in a rule id).
MEDICAL_CONTEXT_MATCH_KEY = "::medical_context"
# Sections that tell a general question with personal context ("my mum has just been diagnosed:
# what are the treatment options?") from a request for personal advice.
PERSONAL_CONTEXT = "personal_context"
# A general question ending this many words or fewer before a personal match is about the person.
QUESTION_TO_PERSON_GAP = 1
GENERAL_QUESTION = "general_question"
PERSONAL_REQUEST = "personal_request"
MEDICAL_LOOKALIKE = "medical_lookalike"
PERSON_REFERENCE = "person_reference"
ASKING_PHRASE = "asking_phrase"
NOT_TREATMENT = "not_treatment"
TREATMENT_WORD = "treatment_word"
SECTION_KEYS = {"description", "patterns", "examples_match", "examples_no_match"}

TokenPattern = List[Dict[str, Any]]


@dataclass(frozen=True)
class SafetyRule:
    id: str
    category: str
    description: str
    patterns: Tuple[TokenPattern, ...]
    exceptions: Tuple[TokenPattern, ...]
    examples_match: Tuple[str, ...]
    examples_no_match: Tuple[str, ...]
    needs_medical_context: bool = False
    # The rule shows that a message is about someone's own case, not that it asks for advice:
    # with a general question beside it, the question is answered (with a personal-context note).
    context_only: bool = False
    # Every word the patterns name (LOWER/LEMMA/NORM values and IN lists).
    vocabulary: FrozenSet[str] = frozenset()


@dataclass(frozen=True)
class MedicalContext:
    """What makes a message about health: any match of ``patterns`` anywhere in it.

    ``words_allowed_alone`` ("what", "is", "me") may stand beside a rule's own words in a message
    that has no medical context: "How long do I have?" still fires, while "how long do I have to
    wait for a bus?" does not.
    """
    description: str
    patterns: Tuple[TokenPattern, ...]
    words_allowed_alone: FrozenSet[str]


@dataclass(frozen=True)
class PatternSection:
    """A named set of patterns (``personal_context``, ``general_question``), with examples."""
    name: str
    description: str
    patterns: Tuple[TokenPattern, ...]
    examples_match: Tuple[str, ...]
    examples_no_match: Tuple[str, ...]

    @property
    def match_key(self) -> str:
        return f"::{self.name}"


@dataclass(frozen=True)
class SafetyVerdict:
    category: str
    rule_id: str
    matched_text: str
    span: Tuple[int, int] = (0, 0)  # token offsets of the match in the normalised message
    context_only: bool = False  # the rule shows personal context only (see SafetyRule)


@dataclass(frozen=True)
class Assessment:
    """What the rules make of a message: the verdict that re-labels it (if any), and whether it
    speaks of the person's own or a relative's situation."""
    verdict: Optional[SafetyVerdict]
    personal_context: bool
    medical: bool = False  # the message is about health (medical_context)
    # Where (character offset) the message's last question starts, when that question is one
    # of the usual general ones (general_question) and not about the person named beside it;
    # None otherwise.
    general_question_at: Optional[int] = None
    # Where the message's last question starts when the personal rules that fired (if any) show
    # only context, nothing asks what that situation means, and that question names nobody
    # (person_reference): "Dad's scan showed spread to the liver. Why TACE and not surgery?"
    question_apart_at: Optional[int] = None
    # The message asks about NETs but not about treatment (not_treatment, and no treatment_word):
    # "can NETs be inherited?", "what are the symptoms?"
    not_treatment: bool = False

    @property
    def asks_general(self) -> bool:
        return self.general_question_at is not None


SENTENCE_ENDS = frozenset(".?!")


# A sentence that starts with one of these asks something, whatever its last mark.
QUESTION_OPENERS = frozenset("""
what how why when where which who whose is are was were can could will would should shall do
does did has have may might
""".split())


def _sentences(doc: Doc, start: int = 0) -> List[Tuple[int, int]]:
    """The token ranges of the sentences from token ``start``, each with its closing mark."""
    ranges, begin = [], start
    for token in doc[start:]:
        if token.text in SENTENCE_ENDS:
            ranges.append((begin, token.i + 1))
            begin = token.i + 1
    if begin < len(doc):
        ranges.append((begin, len(doc)))
    return ranges


def _asks(doc: Doc, sentence: Tuple[int, int]) -> bool:
    """Whether a sentence asks something: it ends with a question mark or opens with a
    question word ("Worth it?", "how is it given")."""
    words = [t for t in doc[sentence[0]:sentence[1]] if not t.is_punct or t.text == "?"]
    return bool(words) and (words[-1].text == "?" or words[0].lower_ in QUESTION_OPENERS)


def _asks_after(doc: Doc, end: int) -> bool:
    """Whether a sentence after the one that ends at token ``end`` asks something."""
    return any(_asks(doc, sentence) for sentence in _sentences(doc, end)[1:])


def _last_asking_sentence(doc: Doc, asking: Sequence[Tuple[int, int]]) -> Optional[Tuple[int, int]]:
    """The last sentence that asks, as a question or with an ``asking`` phrase in it ("I'd like
    to understand what TACE is.")."""
    return next((s for s in reversed(_sentences(doc))
                 if _asks(doc, s) or any(_overlap(s, phrase) for phrase in asking)), None)


def _last_question_start(doc: Doc, questions: List[Tuple[int, int]]) -> Optional[int]:
    """Where the last of the general ``questions`` starts (a character offset), if nothing is
    asked after it."""
    if not questions:
        return None
    start, end = max(questions, key=lambda span: (span[1], -span[0]))
    return None if _asks_after(doc, end) else doc[start].idx


# --------------------------------------------------------------------------- normalisation

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

    Curly apostrophes, "cant"/"cannot"/"can't", "im"/"I'm", "wanna", "39°C", "120mg", "Ki67"
    and stray spaces all reach the matcher in one spelling.
    """
    text = unicodedata.normalize("NFKC", _DEGREE_SIGNS.sub("\u00b0", text))
    text = _QUOTES.sub('"', _APOSTROPHES.sub("'", text)).lower()
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text.strip()


# --------------------------------------------------------------------------- loading

def _expand_value(value: Any, word_lists: Dict[str, List[str]], where: str) -> Any:
    """Replace ``$name`` (as a whole IN list or as items of one) by the named word list."""
    if isinstance(value, str) and value.startswith(LIST_PREFIX):
        return list(_word_list(value, word_lists, where))
    if isinstance(value, list):
        expanded: List[Any] = []
        for item in value:
            if isinstance(item, str) and item.startswith(LIST_PREFIX):
                expanded += _word_list(item, word_lists, where)
            else:
                expanded.append(item)
        return expanded
    return value


def _word_list(reference: str, word_lists: Dict[str, List[str]], where: str) -> List[str]:
    name = reference[len(LIST_PREFIX):]
    require(name in word_lists, where, f"unknown word list '{reference}'")
    return word_lists[name]


def _expand_token(token: Any, word_lists: Dict[str, List[str]], where: str) -> Dict[str, Any]:
    require(isinstance(token, dict) and all(isinstance(key, str) for key in token), where,
            f"each token must be a mapping like {{LOWER: word}}, got {token!r}")
    expanded: Dict[str, Any] = {}
    for attr, value in token.items():
        if isinstance(value, dict):
            value = {op: _expand_value(arg, word_lists, where) for op, arg in value.items()}
        expanded[attr] = value
        if attr in LOWER_CASE_ATTRS:
            _require_lower_case(value, where)
    return expanded


def _require_lower_case(value: Any, where: str) -> None:
    values = value.values() if isinstance(value, dict) else [value]
    words = [word for item in values for word in (item if isinstance(item, list) else [item])]
    for word in words:
        require(isinstance(word, str), where,
                f"{word!r} must be text (put numbers and yes/no/on/off in quotes)")
        require(word == word.lower(), where,
                f"'{word}' must be lower case: messages are lower-cased before matching")


def _patterns(raw: Any, word_lists: Dict[str, List[str]], where: str) -> Tuple[TokenPattern, ...]:
    require(isinstance(raw, list) and raw, where, "needs a non-empty list of token patterns")
    patterns = []
    for number, pattern in enumerate(raw, start=1):
        pattern_where = f"{where} #{number}"
        require(isinstance(pattern, list) and pattern, pattern_where,
                "a pattern is a non-empty list of tokens")
        patterns.append([_expand_token(token, word_lists, pattern_where) for token in pattern])
    return tuple(patterns)


def _vocabulary(patterns: Iterable[TokenPattern]) -> FrozenSet[str]:
    """The words a rule's patterns name, so a message made only of them counts as on-topic."""
    words = set()
    for pattern in patterns:
        for token in pattern:
            for attr in LOWER_CASE_ATTRS:
                value = token.get(attr)
                values = value.get("IN", []) if isinstance(value, dict) else [value]
                words.update(word for word in values if isinstance(word, str))
    return frozenset(words)


def _examples(raw: Any, where: str) -> Tuple[str, ...]:
    require(isinstance(raw, list) and raw and all(isinstance(e, str) and e.strip() for e in raw),
            where, "needs a non-empty list of example messages")
    return tuple(raw)


def _word_lists(raw: Any, where: str) -> Dict[str, List[str]]:
    """The named word lists, with ``$name`` items (other lists) spelled out."""
    require(isinstance(raw, dict), where, "word_lists must map names to lists of words")
    for name, words in raw.items():
        require(isinstance(words, list) and words, f"{where} '{name}'", "needs a list of words")
    resolved: Dict[str, List[str]] = {}
    for name in raw:
        resolved[name] = _resolve_word_list(name, raw, where, seen=())
        _require_lower_case(resolved[name], f"{where} '{name}'")
    return resolved


def _resolve_word_list(name: str, raw: Dict[str, Any], where: str,
                       seen: Tuple[str, ...]) -> List[str]:
    require(name not in seen, f"{where} '{name}'", "word lists refer to each other in a circle")
    words: List[str] = []
    for item in raw[name]:
        if isinstance(item, str) and item.startswith(LIST_PREFIX):
            inner = item[len(LIST_PREFIX):]
            require(inner in raw, f"{where} '{name}'", f"unknown word list '{item}'")
            words += _resolve_word_list(inner, raw, where, seen + (name,))
        else:
            words.append(item)
    return words


def _rule(raw: Any, number: int, word_lists: Dict[str, List[str]], path: Path) -> SafetyRule:
    where = f"{path}: rule #{number}"
    require(isinstance(raw, dict), where, "must be a mapping")
    rule_id = raw.get("id")
    require(isinstance(rule_id, str) and re.fullmatch(r"[a-z][a-z0-9_]*", rule_id or ""), where,
            "needs an id in snake_case")
    where = f"{path}: rule '{rule_id}'"
    unknown = set(raw) - RULE_KEYS
    require(not unknown, where, f"unknown keys {sorted(unknown)}")
    require(raw.get("category") in CATEGORIES, where,
            f"category must be one of {list(CATEGORIES)}, got {raw.get('category')!r}")
    needs_context = raw.get("needs_medical_context", False)
    require(isinstance(needs_context, bool), where, "needs_medical_context must be true or false")
    context_only = raw.get("context_only", False)
    require(isinstance(context_only, bool), where, "context_only must be true or false")
    require(not context_only or raw["category"] == PERSONAL, where,
            "only personal rules can be context_only")
    description = raw.get("description")
    require(isinstance(description, str) and description.strip(), where,
            "needs a plain-English description")
    patterns = _patterns(raw.get("patterns"), word_lists, f"{where} pattern")
    return SafetyRule(
        id=rule_id,
        category=raw["category"],
        description=" ".join(description.split()),
        patterns=patterns,
        exceptions=_patterns(raw["exceptions"], word_lists, f"{where} exception")
        if "exceptions" in raw else (),
        examples_match=_examples(raw.get("examples_match"), f"{where} examples_match"),
        examples_no_match=_examples(raw.get("examples_no_match"), f"{where} examples_no_match"),
        needs_medical_context=needs_context,
        context_only=context_only,
        vocabulary=_vocabulary(patterns),
    )


def parse_safety_rules(data: Dict[str, Any], path: Path) -> Tuple[SafetyRule, ...]:
    """The validated rules of a loaded ``safety_rules.yml`` (patterns are compiled separately)."""
    word_lists = _word_lists(data.get("word_lists", {}), f"{path}: word_lists")
    raw_rules = data.get("rules")
    require(isinstance(raw_rules, list) and raw_rules, str(path), "needs a non-empty 'rules' list")
    rules = tuple(_rule(raw, n, word_lists, path) for n, raw in enumerate(raw_rules, start=1))
    ids = [rule.id for rule in rules]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    require(not duplicates, str(path), f"duplicate rule ids {duplicates}")
    return rules


def _section(data: Dict[str, Any], name: str, keys: Set[str], path: Path
             ) -> Optional[Tuple[Dict[str, Any], str, Dict[str, List[str]], str]]:
    """The mapping of section ``name`` (None when the file has none), checked for its keys and
    description, with its place for error messages and the file's word lists."""
    raw = data.get(name)
    where = f"{path}: {name}"
    if raw is None:
        return None
    require(isinstance(raw, dict), where, "must be a mapping")
    unknown = set(raw) - keys
    require(not unknown, where, f"unknown keys {sorted(unknown)}")
    description = raw.get("description")
    require(isinstance(description, str) and description.strip(), where,
            "needs a plain-English description")
    word_lists = _word_lists(data.get("word_lists", {}), f"{path}: word_lists")
    return raw, where, word_lists, " ".join(description.split())


def parse_medical_context(data: Dict[str, Any], path: Path) -> Optional[MedicalContext]:
    """The validated ``medical_context`` section, or None when the file has none."""
    section = _section(data, MEDICAL_CONTEXT, MEDICAL_CONTEXT_KEYS, path)
    if section is None:
        return None
    raw, where, word_lists, description = section
    alone = _expand_value(raw.get("words_allowed_alone"), word_lists, where)
    require(isinstance(alone, list) and all(isinstance(word, str) for word in alone), where,
            "words_allowed_alone needs a list of words")
    _require_lower_case(alone, f"{where} words_allowed_alone")
    return MedicalContext(
        description=description,
        patterns=_patterns(raw.get("patterns"), word_lists, f"{where} pattern"),
        words_allowed_alone=frozenset(alone),
    )


def parse_section(data: Dict[str, Any], name: str, path: Path) -> Optional[PatternSection]:
    """The validated pattern section ``name``, or None when the file has none."""
    section = _section(data, name, SECTION_KEYS, path)
    if section is None:
        return None
    raw, where, word_lists, description = section
    return PatternSection(
        name=name,
        description=description,
        patterns=_patterns(raw.get("patterns"), word_lists, f"{where} pattern"),
        examples_match=_examples(raw.get("examples_match"), f"{where} examples_match"),
        examples_no_match=_examples(raw.get("examples_no_match"), f"{where} examples_no_match"),
    )


def compile_matcher(rules: Iterable[SafetyRule], nlp: Language, path: Path,
                    context: Optional[MedicalContext] = None,
                    sections: Iterable[PatternSection] = ()) -> Matcher:
    """One Matcher for all rules; a pattern spaCy rejects is reported with its rule's id."""
    matcher = Matcher(nlp.vocab, validate=True)
    for rule in rules:
        for key, patterns in ((rule.id, rule.patterns),
                              (rule.id + EXCEPTION_SUFFIX, rule.exceptions)):
            _add_patterns(matcher, key, patterns, f"{path}: rule '{rule.id}'")
    if context is not None:
        _add_patterns(matcher, MEDICAL_CONTEXT_MATCH_KEY, context.patterns,
                      f"{path}: {MEDICAL_CONTEXT}")
    for section in sections:
        _add_patterns(matcher, section.match_key, section.patterns, f"{path}: {section.name}")
    return matcher


def _add_patterns(matcher: Matcher, key: str, patterns: Sequence[TokenPattern],
                  where: str) -> None:
    if not patterns:
        return
    try:
        matcher.add(key, list(patterns))
    except (ValueError, KeyError, TypeError) as error:
        raise ContentError(f"{where}: invalid pattern: {error}") from error


# --------------------------------------------------------------------------- matching

class SafetyRules:
    """The compiled rules: ``check`` says whether a message is an emergency or personal."""

    def __init__(self, rules: Sequence[SafetyRule], nlp: Language, path: Path,
                 context: Optional[MedicalContext] = None,
                 sections: Sequence[PatternSection] = ()) -> None:
        needing = [rule.id for rule in rules if rule.needs_medical_context]
        require(context is not None or not needing, f"{path}: {MEDICAL_CONTEXT}",
                f"is missing, but rules {needing} need medical context")
        self.rules: Dict[str, SafetyRule] = {rule.id: rule for rule in rules}
        self.context = context
        self.sections: Dict[str, PatternSection] = {s.name: s for s in sections}
        self.nlp = nlp
        self._matcher = compile_matcher(rules, nlp, path, context, sections)

    def check(self, text_or_doc: Union[str, Doc]) -> Optional[SafetyVerdict]:
        """The verdict that re-labels the message (emergency before personal), or None."""
        return self.assess(text_or_doc).verdict

    def assess(self, text_or_doc: Union[str, Doc]) -> Assessment:
        """Emergency; else a request for personal advice; else a request for support or a
        specialist centre; else a general question. Any but an emergency may carry personal
        context.

        A personal rule marked ``context_only`` ("my mum's NET", "my dad needs PRRT") does not
        re-label a message that asks a question ("…: what is it?"), unless the question asks
        what their own situation means ("…: is that bad?").
        """
        doc = self._doc(text_or_doc)
        spans = self._spans(doc)
        verdicts = self._verdicts(doc, spans)
        personal = [v for v in verdicts if v.category == PERSONAL]
        questions = self._general_questions(doc, spans, personal)
        request = self._request(spans, doc)
        return replace(self._assess(doc, spans, verdicts, personal, questions, request),
                       medical=bool(spans.get(MEDICAL_CONTEXT_MATCH_KEY)),
                       general_question_at=_last_question_start(doc, questions),
                       question_apart_at=self._question_apart(doc, spans, personal, request),
                       not_treatment=(self.matches(NOT_TREATMENT, spans)
                                      and not self.matches(TREATMENT_WORD, spans)))

    def _assess(self, doc: Doc, spans: Dict[str, List[Tuple[int, int]]],
                verdicts: List[SafetyVerdict], personal: List[SafetyVerdict],
                questions: List[Tuple[int, int]], request: Optional[SafetyVerdict]) -> Assessment:
        if verdicts and verdicts[0].category == EMERGENCY:
            return Assessment(verdicts[0], bool(personal))
        only_context = all(v.context_only for v in personal)
        if personal and not (only_context and request is None and questions):
            return Assessment(personal[0], True)
        in_context = bool(personal) or self.matches(PERSONAL_CONTEXT, spans)
        if request is not None and self._names_person(request, spans) and spans.get(
                MEDICAL_CONTEXT_MATCH_KEY):
            return Assessment(request, True)  # "what treatment will my husband get next?"
        hand_off = next((v for v in verdicts if v.category in HAND_OFF), None)
        return Assessment(hand_off, in_context)

    def _question_apart(self, doc: Doc, spans: Dict[str, List[Tuple[int, int]]],
                        personal: List[SafetyVerdict],
                        request: Optional[SafetyVerdict]) -> Optional[int]:
        """Where the last question starts (a character offset), when no personal rule but
        context-only ones fired, no personal request, and that question names nobody: it asks
        about a treatment or NETs, beside what the message says of the person. None otherwise."""
        if not all(v.context_only for v in personal) or request is not None:
            return None
        asking = self._section_spans(spans, ASKING_PHRASE)
        sentence = _last_asking_sentence(doc, asking)
        if sentence is None:
            return None
        references = [span for span in self._section_spans(spans, PERSON_REFERENCE)
                      if not any(_overlap(span, phrase) for phrase in asking)]  # the asker's "me"
        if any(_overlap(sentence, span) for span in [v.span for v in personal] + references):
            return None
        return doc[sentence[0]].idx

    def _names_person(self, verdict: SafetyVerdict, spans: Dict[str, List[Tuple[int, int]]]) -> bool:
        """The verdict's own words name the person ("my husband", "I")."""
        return any(_overlap(verdict.span, person) for person in self._people(spans))

    def _people(self, spans: Dict[str, List[Tuple[int, int]]]) -> List[Tuple[int, int]]:
        return self._section_spans(spans, PERSONAL_CONTEXT)

    def _section_spans(self, spans: Dict[str, List[Tuple[int, int]]],
                       name: str) -> List[Tuple[int, int]]:
        """Where a pattern section matched (none when the file has no such section)."""
        return spans.get(self.sections[name].match_key, []) if name in self.sections else []

    def _request(self, spans: Dict[str, List[Tuple[int, int]]],
                 doc: Doc) -> Optional[SafetyVerdict]:
        """A personal-request match as a verdict: one that names the person if there is one
        ("when will *my wife* start"), else the earliest."""
        found = spans.get(self.sections[PERSONAL_REQUEST].match_key) \
            if PERSONAL_REQUEST in self.sections else None
        if not found:
            return None
        people = self._people(spans)
        naming = [span for span in found if any(_overlap(span, person) for person in people)]
        start, end = min(naming or found)
        return SafetyVerdict(PERSONAL, PERSONAL_REQUEST, doc[start:end].text, (start, end))

    def _general_questions(self, doc: Doc, spans: Dict[str, List[Tuple[int, int]]],
                           verdicts: List[SafetyVerdict]) -> List[Tuple[int, int]]:
        """The general questions that end outside the words the personal rules matched, and
        not just before them ("can surgery cure | my dad's NET?" asks about the person)."""
        if GENERAL_QUESTION not in self.sections:
            return []
        questions = spans.get(self.sections[GENERAL_QUESTION].match_key, [])
        return [(start, end) for start, end in questions
                if not any(self._asks_about(doc, end, v.span) for v in verdicts)]

    @staticmethod
    def _asks_about(doc: Doc, question_end: int, person: Tuple[int, int]) -> bool:
        """A question that ends inside or right before the words about the person asks about
        them ("can surgery cure | my dad's NET?"), unless a sentence ends between ("what is
        Xermelo? | My mum has…")."""
        start, end = person
        if not start - QUESTION_TO_PERSON_GAP <= question_end <= end:
            return False
        return not any(token.text in SENTENCE_ENDS for token in doc[question_end:start])

    def matches(self, section: str, spans: Dict[str, List[Tuple[int, int]]]) -> bool:
        return section in self.sections and bool(spans.get(self.sections[section].match_key))

    def section_matches(self, section: str, text: str) -> bool:
        """Whether a pattern section matches ``text`` (for its documented examples)."""
        return self.matches(section, self._spans(self._doc(text)))

    def verdicts(self, text_or_doc: Union[str, Doc]) -> List[SafetyVerdict]:
        """Every rule that fires, most urgent first, each with its earliest, longest match."""
        doc = self._doc(text_or_doc)
        return self._verdicts(doc, self._spans(doc))

    def _spans(self, doc: Doc) -> Dict[str, List[Tuple[int, int]]]:
        spans: Dict[str, List[Tuple[int, int]]] = {}
        for match_id, start, end in self._matcher(doc):
            spans.setdefault(self.nlp.vocab.strings[match_id], []).append((start, end))
        return self._without_lookalikes(spans)

    def _without_lookalikes(self, spans: Dict[str, List[Tuple[int, int]]]
                            ) -> Dict[str, List[Tuple[int, int]]]:
        """Health words used in another sense ("a scan of my passport", "operate the
        machine") do not make a message medical."""
        if MEDICAL_LOOKALIKE not in self.sections or MEDICAL_CONTEXT_MATCH_KEY not in spans:
            return spans
        lookalikes = spans.get(self.sections[MEDICAL_LOOKALIKE].match_key, [])
        spans[MEDICAL_CONTEXT_MATCH_KEY] = [
            span for span in spans[MEDICAL_CONTEXT_MATCH_KEY]
            if not any(_overlap(span, lookalike) for lookalike in lookalikes)
        ]
        return spans

    def _verdicts(self, doc: Doc, spans: Dict[str, List[Tuple[int, int]]]) -> List[SafetyVerdict]:
        medical = bool(spans.get(MEDICAL_CONTEXT_MATCH_KEY))
        found = []
        for rule_id, rule in self.rules.items():
            exceptions = spans.get(rule_id + EXCEPTION_SUFFIX, [])
            kept = [span for span in spans.get(rule_id, [])
                    if not any(_overlap(span, exception) for exception in exceptions)]
            if rule.needs_medical_context and not medical:
                kept = [span for span in kept if self._stands_alone(doc, span, rule)]
            if kept:
                start, end = min(kept, key=lambda span: (span[0], -span[1]))
                found.append(SafetyVerdict(rule.category, rule_id, doc[start:end].text,
                                           (start, end), rule.context_only))
        return sorted(found, key=lambda verdict: CATEGORIES.index(verdict.category))

    def _stands_alone(self, doc: Doc, span: Tuple[int, int], rule: SafetyRule) -> bool:
        """Whether the message says nothing beyond the match and words allowed alone.

        Inside the match, a word a wildcard took ("which *university* should my daughter
        choose") must be one of the rule's own words too.
        """
        alone = self.context.words_allowed_alone if self.context else frozenset()
        own = alone | rule.vocabulary
        start, end = span
        return all(_is_one_of(token, own if start <= token.i < end else alone) for token in doc)

    def _doc(self, text_or_doc: Union[str, Doc]) -> Doc:
        """Reuse a parsed doc when it is already normalised and tagged, else parse afresh,
        never more than a bounded text (net_assistant.limits: spaCy's cost can grow with the
        square of the length, and one message must not freeze the others)."""
        text = bound_text(text_or_doc.text if isinstance(text_or_doc, Doc) else text_or_doc)
        normalised = normalise_text(text)
        if isinstance(text_or_doc, Doc) and text_or_doc.text == normalised and _has_annotations(
                text_or_doc):
            return text_or_doc
        return self.nlp(normalised)


def _has_annotations(doc: Doc) -> bool:
    """Patterns use lemmas and treatment entities: a doc without them would silently miss."""
    return len(doc) > 0 and doc.has_annotation("LEMMA") and doc.has_annotation("ENT_IOB")


def _is_one_of(token: Token, words: FrozenSet[str]) -> bool:
    """Punctuation and numbers say nothing on their own; other tokens must be in ``words``."""
    return (token.is_punct or token.is_space or token.like_num or token.lower_ in words
            or token.lemma_ in words)


def _overlap(first: Tuple[int, int], second: Tuple[int, int]) -> bool:
    return first[0] < second[1] and second[0] < first[1]


def load_safety_rules(content_dir: Path = CONTENT_DIR,
                      nlp: Optional[Language] = None) -> SafetyRules:
    """Load, validate and compile ``safety_rules.yml`` on the project's spaCy pipeline."""
    path = content_dir / SAFETY_RULES_FILE
    data = load_yaml(SAFETY_RULES_FILE, content_dir)
    rules = parse_safety_rules(data, path)
    context = parse_medical_context(data, path)
    sections = [s for s in (parse_section(data, name, path)
                            for name in (PERSONAL_CONTEXT, GENERAL_QUESTION, PERSONAL_REQUEST,
                                         MEDICAL_LOOKALIKE, PERSON_REFERENCE, ASKING_PHRASE,
                                         NOT_TREATMENT, TREATMENT_WORD))
                if s]
    return SafetyRules(rules, nlp if nlp is not None else load_pipeline(), path, context, sections)
