"""The report as one self-contained HTML page: inline CSS, inline SVG plots, nothing to fetch.

The page's words are in ``content/report.yml``; treatment names and aspect labels in
``content/terminology.yml``. Everything a person wrote reaches the page only through the
to-do list, which is redacted, and Jinja2 escapes it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import jinja2

from net_assistant.content.loading import CONTENT_DIR, load_yaml, require
from net_assistant.report import plots
from net_assistant.report.figures import HELPFUL, NOT_HELPFUL, Figures
from net_assistant.report.todo import TodoGroup
from net_assistant.report.turns import (
    ANSWERED, FALLBACK, MISSING_INFO, NOT_COVERED, OUT_OF_SCOPE, OUTCOMES,
)
from net_assistant.knowledge.terminology import ASPECT_PRIORITY, Terminology, load_terminology

WORDS_FILE = "report.yml"
TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE = "report.html"
SECTIONS = ("activity", "topics", "outcomes", "safety", "feedback", "todo")
REASONS = (FALLBACK, NOT_COVERED, OUT_OF_SCOPE, "other_language", NOT_HELPFUL, MISSING_INFO)
VERDICTS = (HELPFUL, NOT_HELPFUL)
ALWAYS_SHOWN_OUTCOMES = (ANSWERED, NOT_COVERED, FALLBACK, OUT_OF_SCOPE)
TOP_PASSAGES = 20
DEFAULT_TODO_LIMIT = 100


def load_words(content_dir: Path = CONTENT_DIR) -> Dict[str, Any]:
    """``content/report.yml``, checked to have every word the page uses."""
    words = load_yaml(WORDS_FILE, content_dir)
    where = str(content_dir / WORDS_FILE)
    for key in ("title", "made", "period", "empty", "privacy", "numbers", "totals", "sections",
                "outcomes", "reasons", "verdicts"):
        require(key in words, where, f"missing {key!r}")
    for section in SECTIONS:
        require("title" in words["sections"].get(section, {}), where,
                f"sections.{section} needs a title")
    for group, keys in (("outcomes", OUTCOMES), ("reasons", REASONS), ("verdicts", VERDICTS)):
        missing = [key for key in keys if key not in words[group]]
        require(not missing, where, f"{group} is missing {', '.join(missing)}")
    return words


@dataclass(frozen=True)
class Labels:
    """How the page names topics and aspects."""

    terminology: Terminology
    no_aspect: str

    def topic(self, topic: Optional[str]) -> str:
        treatment = self.terminology.treatments.get(topic or "")
        return treatment.name if treatment else (topic or "—")

    def aspect(self, aspect: Optional[str]) -> str:
        found = self.terminology.aspects.get(aspect or "")
        return found.label if found else (aspect or self.no_aspect)


def render_report(figures: Figures, store: str, today: date,
                  todo_groups: Sequence[TodoGroup], todo_limit: int = DEFAULT_TODO_LIMIT,
                  words: Optional[Dict[str, Any]] = None,
                  terminology: Optional[Terminology] = None) -> str:
    words = words or load_words()
    labels = Labels(terminology or load_terminology(), words["sections"]["topics"]["no_aspect"])
    days = figures.days
    context = {
        "words": words,
        "made": words["made"].format(date=today.isoformat(), store=store),
        "period": words["period"].format(first=plots.day_label(days[0]),
                                         last=plots.day_label(days[-1])) if days else None,
        "figures": figures,
        "answered": figures.outcomes[ANSWERED] + figures.outcomes[NOT_COVERED],
        "todo_total": sum(group.count for group in todo_groups),
        "activity": _activity(figures, words["sections"]["activity"]),
        "topics": _topics(figures, words["sections"]["topics"], labels),
        "outcomes": _outcomes(figures, words),
        "safety": _safety(figures, words["sections"]["safety"]),
        "feedback": _feedback(figures, words, labels),
        "todo": _todo(todo_groups, todo_limit, words, labels),
    }
    return _environment().get_template(TEMPLATE).render(**context)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def _activity(figures: Figures, words: Dict[str, str]) -> Optional[Dict[str, Any]]:
    days = figures.days
    if not days:
        return None
    series = [(words["conversations"], [figures.conversations_per_day[d] for d in days]),
              (words["messages"], [figures.messages_per_day[d] for d in days])]
    return _plot_with_rows("activity", plots.per_day("activity", words["title"], days, series),
                           [plots.day_label(d) for d in days], series)


def _safety(figures: Figures, words: Dict[str, str]) -> Optional[Dict[str, Any]]:
    days = figures.days
    if not days:
        return None
    series = [(words["escalations"], [figures.escalations_per_day[d] for d in days]),
              (words["emergencies"], [figures.emergencies_per_day[d] for d in days])]
    return _plot_with_rows("safety", plots.per_day("safety", words["title"], days, series),
                           [plots.day_label(d) for d in days], series)


def _topics(figures: Figures, words: Dict[str, str], labels: Labels) -> Optional[Dict[str, Any]]:
    if not figures.questions:
        return None
    per_topic: Counter = Counter()
    for (topic, _), count in figures.questions.items():
        per_topic[topic] += count
    topics = sorted(per_topic, key=lambda t: (-per_topic[t], labels.topic(t)))
    aspects = _aspect_order({aspect for _, aspect in figures.questions})
    series = [(labels.aspect(a), [figures.questions[(t, a)] for t in topics]) for a in aspects]
    svg = plots.stacked_bars("topics", words["title"], [labels.topic(t) for t in topics], series,
                             words["count"])
    rows = [{"category": labels.topic(t), "values": [labels.aspect(a), figures.questions[(t, a)]]}
            for t in topics for a in aspects if figures.questions[(t, a)]]
    return {"svg": svg, "rows": rows, "total": sum(per_topic.values())}


def _aspect_order(aspects: set) -> List[Optional[str]]:
    known = [a for a in ASPECT_PRIORITY[::-1] if a in aspects]
    return known + sorted(a for a in aspects if a and a not in known) + (
        [None] if None in aspects else [])


def _outcomes(figures: Figures, words: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    total = sum(figures.outcomes.values())
    if not total:
        return None
    shown = [o for o in OUTCOMES if o in ALWAYS_SHOWN_OUTCOMES or figures.outcomes[o]]
    names = [words["outcomes"][o] for o in shown]
    percents = [100.0 * figures.outcomes[o] / total for o in shown]
    svg = plots.shares("outcomes", words["sections"]["outcomes"]["title"], names, percents)
    rows = [{"category": name, "values": [figures.outcomes[o], f"{p:.1f} %"]}
            for name, o, p in zip(names, shown, percents)]
    return {"svg": svg, "rows": rows}


def _feedback(figures: Figures, words: Dict[str, Any], labels: Labels) -> Optional[Dict[str, Any]]:
    if not figures.feedback_by_topic:
        return None
    section = words["sections"]["feedback"]
    verdicts = [words["verdicts"][v] for v in VERDICTS]
    by_topic = _verdict_plot("feedback-topics", section["by_topic"], figures.feedback_by_topic,
                             labels.topic, verdicts, section["count"], limit=None)
    by_passage = _verdict_plot("feedback-passages", section["by_passage"],
                               figures.feedback_by_passage, str, verdicts, section["count"],
                               limit=TOP_PASSAGES)
    return {"by_topic": by_topic, "by_passage": by_passage}


def _verdict_plot(name: str, title: str, counts: Counter, label: Any, verdicts: List[str],
                  value_label: str, limit: Optional[int]) -> Dict[str, Any]:
    """Helpful and not helpful per key, most 'not helpful' first."""
    keys = sorted({key for key, _ in counts},
                  key=lambda k: (-counts[(k, NOT_HELPFUL)], -counts[(k, HELPFUL)], label(k)))
    keys = keys[:limit] if limit else keys
    series = [(verdict, [counts[(k, v)] for k in keys]) for verdict, v in zip(verdicts, VERDICTS)]
    svg = plots.stacked_bars(name, title, [label(k) for k in keys], series, value_label)
    return _plot_with_rows(name, svg, [label(k) for k in keys], series)


def _todo(groups: Sequence[TodoGroup], limit: int, words: Dict[str, Any],
          labels: Labels) -> Dict[str, Any]:
    section = words["sections"]["todo"]
    shown = groups[:limit]
    rows = [{
        "count": g.count, "example": g.example, "variants": g.variants,
        "why": ", ".join(f"{words['reasons'][r]} ({n})" for r, n in g.reasons),
        "topic": labels.topic(g.topic) if g.topic else section["unknown"],
        "aspect": labels.aspect(g.aspect) if g.aspect else section["unknown"],
    } for g in shown]
    hidden = len(groups) - len(shown)
    return {"rows": rows, "more": section["more"].format(count=hidden) if hidden else None}


def _plot_with_rows(name: str, svg: str, categories: Sequence[str],
                    series: Sequence[Tuple[str, Sequence[Any]]]) -> Dict[str, Any]:
    return {"name": name, "svg": svg, "headers": [label for label, _ in series],
            "rows": [{"category": c, "values": [values[i] for _, values in series]}
                     for i, c in enumerate(categories)]}
