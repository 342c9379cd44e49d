"""The safety rule layer: emergencies and personal medical questions found by reviewed rules.

The trained classifier can be wrong, and one wrong label must never turn "should I stop my
lanreotide?" into general advice or miss "I can't breathe". So ``content/safety_rules.yml`` holds
spaCy Matcher rules that a clinician can read, each with examples the tests check; this module
compiles them (read and checked by :mod:`net_assistant.safety.rules`) and runs them on a
message, normalised first (:mod:`net_assistant.safety.normalising`).

"Should I take a coat?" has the same shape as "should I take lanreotide?", so a rule may need
medical context: it then fires only when the message also mentions a treatment or a health word
(the file's ``medical_context``), or is made only of the rule's own words and plain question words
("What should I do?", "How long have I got?").
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Union

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from net_assistant.content.loading import CONTENT_DIR, ContentError, load_yaml
from net_assistant.knowledge.terminology import TREATMENT_LABEL
from net_assistant.limits import bound_text
from net_assistant.nlp import load_pipeline
from net_assistant.safety.normalising import normalise_text
from net_assistant.safety.rules import (
    ASKING_PHRASE, CARE_TEAM_SAID, CATEGORIES, EMERGENCY, GENERAL_QUESTION, HAND_OFF, MEDICAL_CONTEXT,
    MEDICAL_LOOKALIKE, NOT_TREATMENT, PERSON_REFERENCE, PERSONAL, PERSONAL_CONTEXT,
    PERSONAL_REQUEST, SAFETY_RULES_FILE, TREATMENT_WORD, MedicalContext, PatternSection,
    SafetyRule, TokenPattern, parse_safety_rules,
)
from net_assistant.sentences import QUESTION_OPENERS

EXCEPTION_SUFFIX = "::exception"
# Matcher key of the medical-context patterns ("::" cannot occur in a rule id).
MEDICAL_CONTEXT_MATCH_KEY = "::medical_context"
# A general question ending this many words or fewer before a personal match is about the person.
QUESTION_TO_PERSON_GAP = 1


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
    # Words in a harmless sense were found: a medical look-alike ("dying to know", "bleed the
    # radiator") or the exception of an emergency rule ("can't breathe for laughing").
    harmless_sense: bool = False

    @property
    def asks_general(self) -> bool:
        return self.general_question_at is not None


SENTENCE_ENDS = frozenset(".?!")
# A question run on from the story without a stop ("my dad has liver mets grade 2 what is tace")
# starts a sentence of its own: a question word, then one of these ...
RUN_ON_OPENERS = frozenset(["what", "how", "why", "which"])
RUN_ON_SECOND = frozenset("""
is are was were does do did can could will would should happens happen exactly kind type sort
treatment treatments options option about long often much many
""".split())
# ... unless the word before makes it part of the sentence ("I don't know what is wrong").
EMBEDDING_WORDS = frozenset("""
know knew ask asked asking wonder wondering wondered understand explain explained tell told sure
idea about see saw learn find out unsure clue decide decided discuss discussed show showed said
say says matter remember forgot forget realise realize on of is to me us him her them and or
for in with by during from at into under after before
""".split())
# After a comma, the words before it must say something of their own ("my mum is 80, how is it
# given?"), not lead into the question ("For her, which is the better option?").
WORDS_BEFORE_A_COMMA = 4


def _runs_on_question(doc: Doc, index: int, begin: int) -> bool:
    """Token ``index`` opens a question run on from the sentence that starts at ``begin``."""
    if index == 0 or index + 1 >= len(doc) or doc[index].lower_ not in RUN_ON_OPENERS:
        return False
    before = doc[index - 1]
    if before.text == "," and index - 1 - begin < WORDS_BEFORE_A_COMMA:
        return False
    return (doc[index + 1].lower_ in RUN_ON_SECOND and before.text not in SENTENCE_ENDS
            and before.lower_ not in EMBEDDING_WORDS)


def _sentences(doc: Doc, start: int = 0) -> List[Tuple[int, int]]:
    """The token ranges of the sentences from token ``start``, each with its closing marks
    ("really??" is one sentence, not a sentence and a lone "?"); a question run on from the
    story starts a sentence of its own."""
    ranges: List[Tuple[int, int]] = []
    begin = start
    for token in doc[start:]:
        if token.i > begin and _runs_on_question(doc, token.i, begin):
            ranges.append((begin, token.i))
            begin = token.i
        if token.text in SENTENCE_ENDS:
            if ranges and begin == token.i and ranges[-1][1] == begin:
                ranges[-1] = (ranges[-1][0], token.i + 1)
            else:
                ranges.append((begin, token.i + 1))
            begin = token.i + 1
    if begin < len(doc):
        ranges.append((begin, len(doc)))
    return ranges


def _sentence_of(doc: Doc, match: Tuple[int, int]) -> Tuple[int, int]:
    """The sentence a match starts in."""
    return next(s for s in _sentences(doc) if s[0] <= match[0] < s[1])


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
        self.rules: Dict[str, SafetyRule] = {rule.id: rule for rule in rules}
        self._emergency_exception_keys = tuple(rule.id + EXCEPTION_SUFFIX for rule in rules
                                               if rule.category == EMERGENCY)
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
        quoted = _quoted_term_asked_about(doc, request)
        if quoted is not None:
            request = None  # "…mentioned 'zapping the liver'. what does that mean?"
        question_apart = self._question_apart(doc, spans, personal, request)
        if quoted is not None and question_apart is not None:
            question_apart = doc[quoted].idx  # the question is about the quoted term
        return replace(self._assess(doc, spans, verdicts, personal, questions, request),
                       medical=bool(spans.get(MEDICAL_CONTEXT_MATCH_KEY)),
                       general_question_at=_last_question_start(doc, questions),
                       question_apart_at=question_apart,
                       not_treatment=(self.matches(NOT_TREATMENT, spans)
                                      and not self.matches(TREATMENT_WORD, spans)),
                       harmless_sense=self._harmless_sense(spans))

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

    def _harmless_sense(self, spans: Dict[str, List[Tuple[int, int]]]) -> bool:
        return self.matches(MEDICAL_LOOKALIKE, spans) or any(
            spans.get(key) for key in self._emergency_exception_keys)

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
                context_only = rule.context_only or (rule.category == PERSONAL and all(
                    self._care_team_said(doc, spans, span)
                    or (rule.context_when_stated and self._stated(doc, spans, span))
                    for span in kept))
                found.append(SafetyVerdict(rule.category, rule_id, doc[start:end].text,
                                           (start, end), context_only))
        return sorted(found, key=lambda verdict: CATEGORIES.index(verdict.category))

    def _care_team_said(self, doc: Doc, spans: Dict[str, List[Tuple[int, int]]],
                        match: Tuple[int, int]) -> bool:
        """The match reports what the care team said (care_team_said earlier in its sentence),
        in a sentence that states rather than asks."""
        frames = self._section_spans(spans, CARE_TEAM_SAID)
        if not frames:
            return False  # most messages: no sentence to find
        sentence = _sentence_of(doc, match)
        return not _asks(doc, sentence) and any(
            sentence[0] <= start < match[0] for start, _end in frames)

    def _stated(self, doc: Doc, spans: Dict[str, List[Tuple[int, int]]],
                match: Tuple[int, int]) -> bool:
        """The match is in a sentence that states: no question, no asking phrase ("I wonder")."""
        sentence = _sentence_of(doc, match)
        return not _asks(doc, sentence) and not any(
            _overlap(sentence, phrase) for phrase in self._section_spans(spans, ASKING_PHRASE))

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


QUOTE_MARKS = frozenset("'\"‘’“”")
POINTING_WORDS = frozenset(["that", "this", "it"])


def _quoted_term_asked_about(doc: Doc, request: Optional[SafetyVerdict]) -> Optional[int]:
    """Where a treatment term in quotes starts (a token) when the request after it only asks
    what "that" means: the person repeats the care team's words ("the doctor mentioned
    'zapping the liver'. what does that even mean?") and asks what the term is, not what
    their situation means. A quote that names no treatment ("'stable disease'") is a result
    and stays a request."""
    if request is None:
        return None
    asked = doc[request.span[0]:request.span[1]]
    if "mean" not in {t.lemma_ for t in asked} or not POINTING_WORDS & {t.lower_ for t in asked}:
        return None
    quoted = [entity.start for entity in doc.ents
              if entity.label_ == TREATMENT_LABEL and entity.end <= request.span[0]
              and 0 < entity.start and entity.end < len(doc)
              and doc[entity.start - 1].text in QUOTE_MARKS and doc[entity.end].text in QUOTE_MARKS]
    return quoted[-1] if quoted else None


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
    """Load, check and compile ``safety_rules.yml`` on the project's spaCy pipeline."""
    path = content_dir / SAFETY_RULES_FILE
    parsed = parse_safety_rules(load_yaml(SAFETY_RULES_FILE, content_dir), path)
    return SafetyRules(parsed.rules, nlp if nlp is not None else load_pipeline(), path,
                       parsed.context, parsed.sections)
