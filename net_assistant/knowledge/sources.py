"""The curated knowledge base: what the assistant may say about each treatment, and where from.

Every passage in ``content/knowledge.yml`` is a verbatim quote from one of the source pages in
``content/sources.yml``. Loading checks each passage against the quotable body of its source
(never menus, cookie notices or other page furniture) and against the section it claims, so a
content editor cannot slip a paraphrase or an invented sentence past the assistant. Answers are
built only from whole passages and always say where they come from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from net_assistant.content.knowledge import (
    CorrectionEntry, KnowledgeFile, PassageEntry, QuotedEntry, QuoteEntry, SourceEntry, SourcesFile,
)
from net_assistant.content.loading import CONTENT_DIR, ContentError, load_schema, require
from net_assistant.knowledge.terminology import Terminology, load_terminology

SOURCES_FILE = "sources.yml"
KNOWLEDGE_FILE = "knowledge.yml"

# The longest answer text (passages and the blank lines between them) that still reads well in
# a chat bubble. Answers hold whole passages only, so a single passage may not be longer.
MAX_ANSWER_CHARS = 900

SECTION_SEPARATOR = " > "
LIST_BULLET = "• "
# Stands in for excluded page furniture in a source body: no passage can match across it.
_FURNITURE = "\x00"
_SENTENCE_START = re.compile(r"(?:[.!?:][”\"’]? |• |“)$")


# (source name, sections quoted from it), sources in the order an answer quotes them.
Cited = Tuple[Tuple[str, Tuple[str, ...]], ...]


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    title: str
    publisher: str
    audience: Optional[str] = None
    note: Optional[str] = None

    @property
    def name(self) -> str:
        """How citations name the source, e.g. ``Treatment options for NETs (Ipsen)``."""
        return f"{self.title} ({self.publisher})"


@dataclass(frozen=True)
class Correction:
    source: str
    original: str
    corrected: str


@dataclass(frozen=True)
class Passage:
    id: str
    topic: str
    aspects: Tuple[str, ...]
    source: str
    section: str
    text: str
    focus: Tuple[Tuple[str, ...], ...] = ()

    def is_about(self, term_words: Sequence[Tuple[str, ...]]) -> bool:
        """True when one of the passage's focus phrases occurs in one of the asked terms."""
        return any(_contains(term, phrase) for term in term_words for phrase in self.focus)


@dataclass(frozen=True)
class PatientQuote:
    """A patient's words on a source page: shared as lived experience, never as medical fact."""

    id: str
    person: str
    source: str
    section: str
    text: str
    topics: Tuple[str, ...]
    note: Optional[str] = None


@dataclass(frozen=True)
class SourceText:
    """A source's quotable body, whitespace-normalised, with the span of each section."""

    source: Source
    body: str
    sections: Dict[str, Tuple[int, int]]
    line_starts: FrozenSet[int]
    corrections: Tuple[Correction, ...] = ()

    def correct(self, text: str) -> str:
        for correction in self.corrections:
            text = re.sub(_whole_word(correction.original), correction.corrected, text)
        return text

    def find(self, text: str, section: Optional[str] = None) -> Optional[Tuple[int, int]]:
        """The span of ``text`` in the body (or in one section), allowing listed corrections."""
        start, end = self.sections[section] if section else (0, len(self.body))
        match = self._pattern(text).search(self.body, start, end)
        return match.span() if match else None

    def find_sentences(self, text: str, section: str) -> Optional[Tuple[int, int]]:
        """Like :meth:`find`, but only where ``text`` is whole sentences (or a whole line)."""
        start, end = self.sections[section]
        for match in self._pattern(text).finditer(self.body, start, end):
            if self._starts_sentence(match.start()) and self._ends_sentence(match.end()):
                return match.span()
        return None

    def _starts_sentence(self, position: int) -> bool:
        """At a line start, after a full stop or colon, a bullet, or an opening quote mark."""
        before = self.body[max(0, position - 3):position]
        return position in self.line_starts or bool(_SENTENCE_START.search(before))

    def _ends_sentence(self, position: int) -> bool:
        return self.body[position - 1] in ".!?:" and (
            position == len(self.body) or self.body[position] in " ”\"’"
        )

    def section_named(self, name: str) -> Optional[str]:
        """The section path written ``name`` (either as in the source or corrected)."""
        wanted = self.correct(_normalise(name))
        return next((path for path in self.sections if self.correct(path) == wanted), None)

    def is_heading(self, text: str) -> bool:
        wanted = self.correct(_normalise(text))
        return any(self.correct(_heading(path)) == wanted for path in self.sections)

    def _pattern(self, text: str) -> "re.Pattern[str]":
        """Match ``text`` literally, except that a corrected word also matches its original."""
        text = _normalise(text)
        forms = {c.corrected for c in self.corrections} | {c.original for c in self.corrections}
        if not forms:
            return re.compile(re.escape(text))
        pieces = re.split("(" + "|".join(_whole_word(form) for form in forms) + ")", text)
        return re.compile("".join(
            self._alternatives(piece) if index % 2 else re.escape(piece)
            for index, piece in enumerate(pieces)
        ))

    def _alternatives(self, word: str) -> str:
        originals = [c.original for c in self.corrections if c.corrected == word]
        return "(?:" + "|".join(re.escape(form) for form in [word] + originals) + ")"


@dataclass(frozen=True)
class KnowledgeBase:
    terminology: Terminology
    sources: Dict[str, SourceText]
    passages: Tuple[Passage, ...]
    quotes: Tuple[PatientQuote, ...] = field(default=())

    def source(self, source_id: str) -> Source:
        return self.sources[source_id].source

    def passage(self, passage_id: str) -> Passage:
        for passage in self.passages:
            if passage.id == passage_id:
                return passage
        raise KeyError(passage_id)

    def aspects_for(self, topic: str) -> Tuple[str, ...]:
        """The covered aspects of ``topic`` the sources have passages for, in terminology order."""
        self._require_topic(topic)
        found = {aspect for p in self.passages if p.topic == topic for aspect in p.aspects}
        return tuple(aspect for aspect in self.terminology.aspects if aspect in found)

    def patient_quotes(self, topic: str) -> Tuple[PatientQuote, ...]:
        self._require_topic(topic)
        return tuple(quote for quote in self.quotes if topic in quote.topics)

    def is_traceable(self, text: str) -> bool:
        """Every paragraph of ``text`` is quoted from the quotable body of some source."""
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        return bool(paragraphs) and all(self._traces(p) for p in paragraphs)

    def _traces(self, paragraph: str) -> bool:
        lead, *lines = paragraph.splitlines()
        items = [line.strip()[len(LIST_BULLET):] for line in lines]
        if any(not line.strip().startswith(LIST_BULLET) for line in lines):
            return False
        return any(
            source.find(lead) is not None and all(source.is_heading(item) for item in items)
            for source in self.sources.values()
        )

    def _require_topic(self, topic: str) -> None:
        """Topics come from the terminology; anything else is a bug in the caller."""
        if topic not in self.terminology.treatments:
            raise ValueError(f"unknown topic {topic!r}")

    def cited(self, quoted: Sequence[Union[Passage, PatientQuote]]) -> Cited:
        """Each source of ``quoted`` once, by name, with the sections quoted from it (the
        wording of a citation is net_assistant.knowledge.citations' job)."""
        by_source: Dict[str, List[str]] = {}
        for item in quoted:
            sections = by_source.setdefault(item.source, [])
            if item.section not in sections:
                sections.append(item.section)
        return tuple((self.source(source_id).name, tuple(sections))
                     for source_id, sections in by_source.items())


def _normalise(text: str) -> str:
    return " ".join(str(text).split())


def _whole_word(text: str) -> str:
    return rf"(?<!\w){re.escape(text)}(?!\w)"


def _heading(section_path: str) -> str:
    return section_path.split(SECTION_SEPARATOR)[-1]


def words_of(phrase: str) -> Tuple[str, ...]:
    """Lower-case words without possessives or plural -s, so "T-cells" matches "t cell"."""
    text = phrase.lower().replace("’s", "").replace("'s", "")
    return tuple(_singular(word) for word in re.findall(r"[a-z0-9]+", text))


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _contains(words: Tuple[str, ...], phrase: Tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[i:i + size] == phrase for i in range(len(words) - size + 1))


# --- loading and validation -------------------------------------------------------------


@lru_cache(maxsize=None)
def load_knowledge(content_dir: Path = CONTENT_DIR) -> KnowledgeBase:
    """The validated knowledge base; raises ContentError naming the file and entry at fault."""
    terminology = load_terminology(content_dir)
    data = load_schema(KnowledgeFile, KNOWLEDGE_FILE, content_dir)
    sources = _with_corrections(_load_sources(content_dir), data.corrections)
    passages = _parse_passages(data.treatments, terminology, sources)
    quotes = _parse_quotes(data.patient_quotes, terminology, sources)
    _require_unique_ids([p.id for p in passages] + [q.id for q in quotes])
    _require_no_quote_overlap(passages, quotes, sources)
    return KnowledgeBase(terminology, sources, tuple(passages), tuple(quotes))


def _load_sources(content_dir: Path) -> Dict[str, SourceText]:
    data = load_schema(SourcesFile, SOURCES_FILE, content_dir)
    sources: Dict[str, SourceText] = {}
    for index, entry in enumerate(data.sources):
        where = f"{SOURCES_FILE}: sources[{index}] ({entry.id})"
        require(entry.id not in sources, where, "duplicate source id")
        sources[entry.id] = _read_source(entry, content_dir, where)
    return sources


def _read_source(entry: SourceEntry, content_dir: Path, where: str) -> SourceText:
    path = content_dir / entry.file
    require(path.is_file(), where, f"source file {path} not found")
    raw = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    body = _quotable_body(raw, entry.quotable_from, entry.quotable_to, where)
    for furniture in entry.exclude:
        require(furniture in body, where, f"excluded text {furniture!r} is not in the body")
        body = body.replace(furniture, f" {_FURNITURE} ")
    text, spans, line_starts = _lay_out(body, [_normalise(s) for s in entry.sections], where)
    source = Source(
        entry.id, entry.file, _normalise(entry.title), _normalise(entry.publisher),
        _optional(entry.audience), _optional(entry.note),
    )
    return SourceText(source, text, spans, line_starts)


def _quotable_body(raw: str, start_text: str, end_text: str, where: str) -> str:
    """The page content between the two markers; everything else is page furniture."""
    for marker, key in ((start_text, "quotable_from"), (end_text, "quotable_to")):
        require(raw.count(marker) == 1, where, f"{key} {marker!r} must occur exactly once")
    start, end = raw.index(start_text), raw.index(end_text)
    require(start < end, where, "quotable_to comes before quotable_from")
    return raw[start:end]


def _lay_out(
    body: str, sections: List[str], where: str
) -> Tuple[str, Dict[str, Tuple[int, int]], FrozenSet[int]]:
    """The normalised body, each section's span (its heading to the next) and the line starts."""
    paths = {_heading(path): path for path in sections}
    require(len(paths) == len(sections), where, "two sections have the same heading")
    text, line_starts, starts = "", [], {}
    for line in body.splitlines():
        chunk = _normalise(line)
        if not chunk:
            continue
        text += " " if text else ""
        path = _section_headed_by(line, paths)
        if path is not None:
            require(path not in starts, where, f"heading {path!r} occurs more than once")
            starts[path] = len(text)
        line_starts.append(len(text))
        text += chunk
    missing = [path for path in sections if path not in starts]
    require(not missing, where, f"headings not found in the quotable body: {missing}")
    order = [starts[path] for path in sections]
    require(order == sorted(order), where, "sections must be listed in page order")
    spans = dict(zip(sections, zip(order, order[1:] + [len(text)])))
    return text, spans, frozenset(line_starts)


def _section_headed_by(line: str, paths: Mapping[str, str]) -> Optional[str]:
    """The section whose heading is this line, or the label of this bullet ("• Surgery: ...")."""
    label = line.strip().lstrip("•").strip()
    for heading, path in paths.items():
        if label == heading or label.startswith(heading + ":"):
            return path
    return None


def _optional(value: Optional[str]) -> Optional[str]:
    return _normalise(value) if value else None


def _with_corrections(
    sources: Dict[str, SourceText], entries: Sequence[CorrectionEntry]
) -> Dict[str, SourceText]:
    found: Dict[str, List[Correction]] = {source_id: [] for source_id in sources}
    for index, entry in enumerate(entries):
        where = f"{KNOWLEDGE_FILE}: corrections[{index}]"
        correction = Correction(*(
            _normalise(text) for text in (entry.source, entry.original, entry.corrected)
        ))
        require(correction.source in sources, where, f"unknown source {correction.source!r}")
        body = sources[correction.source].body
        require(
            re.search(_whole_word(correction.original), body) is not None,
            where, f"{correction.original!r} does not occur in the source",
        )
        found[correction.source].append(correction)
    return {
        source_id: replace(text, corrections=tuple(found[source_id]))
        for source_id, text in sources.items()
    }


def _parse_passages(
    treatments: Dict[str, Dict[str, List[PassageEntry]]], terminology: Terminology,
    sources: Dict[str, SourceText],
) -> List[Passage]:
    passages = []
    for topic, by_aspect in treatments.items():
        where = f"{KNOWLEDGE_FILE}: treatments.{topic}"
        require(topic in terminology.treatments, where, "unknown treatment id")
        for aspect, entries in by_aspect.items():
            _require_covered_aspect(aspect, terminology, f"{where}.{aspect}")
            for index, entry in enumerate(entries):
                here = f"{where}.{aspect}[{index}] ({entry.id})"
                passages.append(_parse_passage(entry, topic, aspect, terminology, sources, here))
    return passages


def _require_covered_aspect(aspect: str, terminology: Terminology, where: str) -> None:
    require(aspect in terminology.aspects, where, f"unknown aspect id {aspect!r}")
    require(
        terminology.aspects[aspect].covered, where,
        f"aspect {aspect!r} is marked `covered: false` in terminology.yml",
    )


def _parse_passage(
    entry: PassageEntry, topic: str, aspect: str, terminology: Terminology,
    sources: Dict[str, SourceText], where: str,
) -> Passage:
    source, section = _traced(entry, sources, where)
    text = source.correct(_normalise(entry.text)) + _list_items(entry.items, source, where)
    require(len(text) <= MAX_ANSWER_CHARS, where, f"longer than {MAX_ANSWER_CHARS} characters")
    for other in entry.also:
        _require_covered_aspect(other, terminology, f"{where}: also")
    return Passage(
        id=entry.id,
        topic=topic,
        aspects=tuple(dict.fromkeys([aspect, *entry.also])),
        source=source.source.id,
        section=source.correct(section),
        text=text,
        focus=tuple(words_of(term) for term in entry.focus),
    )


def _traced(entry: QuotedEntry, sources: Dict[str, SourceText], where: str) -> Tuple[SourceText, str]:
    """The entry's source and section path, once its text is found verbatim in that section."""
    require(entry.source in sources, where, f"unknown source {entry.source!r}")
    source = sources[entry.source]
    section = source.section_named(entry.section)
    if section is None:
        raise ContentError(
            f"{where}: unknown section {entry.section!r} of {source.source.id} (see {SOURCES_FILE})")
    require(
        source.find_sentences(_normalise(entry.text), section) is not None, where,
        f"text is not quoted verbatim, as whole sentences, from section {section!r} of "
        f"{source.source.file}",
    )
    return source, section


def _list_items(items: Sequence[str], source: SourceText, where: str) -> str:
    for item in items:
        require(source.is_heading(item), where, f"item {item!r} is no heading of its source")
    return "".join(f"\n{LIST_BULLET}{source.correct(_normalise(item))}" for item in items)


def _parse_quotes(
    entries: Sequence[QuoteEntry], terminology: Terminology, sources: Dict[str, SourceText]
) -> List[PatientQuote]:
    quotes = []
    for index, entry in enumerate(entries):
        where = f"{KNOWLEDGE_FILE}: patient_quotes[{index}] ({entry.id})"
        source, section = _traced(entry, sources, where)
        for topic in entry.topics:
            require(topic in terminology.treatments, where, f"unknown treatment id {topic!r}")
        _require_in_section(source, section, entry.person, where, "person")
        if entry.note:
            _require_in_section(source, section, entry.note, where, "note")
        quotes.append(PatientQuote(
            id=entry.id,
            person=_normalise(entry.person),
            source=source.source.id,
            section=source.correct(section),
            text=source.correct(_normalise(entry.text)),
            topics=tuple(entry.topics),
            note=_optional(entry.note),
        ))
    return quotes


def _require_in_section(source: SourceText, section: str, text: str, where: str, key: str) -> None:
    require(
        source.find(text, section) is not None, where,
        f"`{key}` is not found verbatim in section {section!r} of {source.source.file}",
    )


def _require_unique_ids(ids: Iterable[str]) -> None:
    seen = set()
    for passage_id in ids:
        require(passage_id not in seen, KNOWLEDGE_FILE, f"duplicate id {passage_id!r}")
        seen.add(passage_id)


def _found(source: SourceText, text: str) -> Tuple[int, int]:
    """Where a text already traced into ``source`` is."""
    span = source.find(text)
    if span is None:
        raise ContentError(f"{KNOWLEDGE_FILE}: {text[:40]!r}… is no longer in {source.source.file}")
    return span


def _require_no_quote_overlap(
    passages: Sequence[Passage], quotes: Sequence[PatientQuote], sources: Dict[str, SourceText]
) -> None:
    """A patient's words must never be presented as medical information."""
    for quote in quotes:
        source = sources[quote.source]
        quote_start, quote_end = _found(source, quote.text)
        for passage in passages:
            if passage.source != quote.source:
                continue
            start, end = _found(source, passage.text.split("\n")[0])
            require(
                end <= quote_start or start >= quote_end, f"{KNOWLEDGE_FILE}: {passage.id}",
                f"quotes the patient quote {quote.id!r}; patient quotes go in `patient_quotes`",
            )
