"""Work out what a treatment question asks about: which treatment, which aspect, which sub-topic.

Patients rarely name both. "How is it given?" after a chemotherapy answer means chemotherapy;
"what about PRRT?" switches topic. The inputs are what Rasa's NLU found (intent and the entity
ruler's entities) and the treatment already under discussion.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from net_assistant.knowledge.terminology import ASPECT_LABEL, TREATMENT_LABEL, Terminology
from net_assistant.sentences import asking_sentences

# Overview terms ("treatments for NETs") also occur inside questions about one treatment
# ("future treatments for NETs"), so they never override a specific intent.
OVERVIEW = "treatment_options"
FOLLOW_UP = "ask_followup"
# Words with which a question points back at a treatment its story named ("What is it?").
POINTING_BACK = frozenset(["it", "its", "this", "that", "they", "them", "these", "those"])


@dataclass(frozen=True)
class Question:
    topic: Optional[str]
    aspects: Tuple[str, ...] = ()  # most specific first; may include aspects not covered
    focus_terms: Tuple[str, ...] = ()

    @property
    def aspect(self) -> Optional[str]:
        """The aspect the question asks first (remembered for follow-ups)."""
        return self.aspects[0] if self.aspects else None


def _entity_values(entities: Iterable[Dict[str, Any]], label: str) -> List[str]:
    return [str(entity.get("value", "")) for entity in entities if entity.get("entity") == label]


def _asked_in(entities: List[Dict[str, Any]], text: str) -> List[Dict[str, Any]]:
    """The entities the question itself names, when ``text`` tells a story around it: its
    aspect words ("they want to start me on octreotide *when* the scans are back. What is
    it?" asks what it is), and its treatments when it names one ("Is PRRT a kind of chemo?
    Her CT showed the liver mets have grown." asks about PRRT, not the liver); a question that
    names no treatment ("What is it?") is about the one its story names."""
    asking = asking_sentences(text)
    if not asking:
        return entities

    def asked(entity: Dict[str, Any]) -> bool:
        start = int(entity.get("start", -1))
        return any(begin <= start < end for begin, end in asking)

    names_one = any(entity.get("entity") == TREATMENT_LABEL and asked(entity) for entity in entities)
    story_labels = {ASPECT_LABEL, TREATMENT_LABEL} if names_one else {ASPECT_LABEL}
    return [entity for entity in entities
            if entity.get("entity") not in story_labels or asked(entity)]


def _words(text: str) -> Set[str]:
    return {word.strip("?!.,;:'\"").lower() for word in text.split()}


def points_back(text: str) -> bool:
    """The message points back at something said before: "is it still being developed?"."""
    return bool(_words(text) & POINTING_BACK)


def _named_in_story_only(entities: List[Dict[str, Any]], text: str) -> bool:
    """The message names treatments only in the story around its question, and the question
    does not point back at one: "My husband has had surgery, then lanreotide. What are all the
    options people with NETs have?" asks what the classifier read, not about surgery."""
    asking = asking_sentences(text)
    if not asking:
        return False
    treatments = [int(entity.get("start", -1)) for entity in entities
                  if entity.get("entity") == TREATMENT_LABEL]
    in_question = any(begin <= start < end for start in treatments for begin, end in asking)
    asked = " ".join(text[begin:end] for begin, end in asking)
    return bool(treatments) and not in_question and not points_back(asked)


def resolve_question(
    terminology: Terminology,
    intent: Optional[str],
    entities: Iterable[Dict[str, Any]],
    current_topic: Optional[str] = None,
    current_aspect: Optional[str] = None,
    text: str = "",
) -> Question:
    """The treatment and aspect a message asks about.

    Topic: the treatment the intent names, unless the message names other treatments only
    (the entity ruler is precise, the classifier can confuse neighbours) in its question, or in
    a story that the question points back to ("What is it?"); else the treatment named in the
    message; else the one under discussion.
    Aspects: those the message asks about (in its asking sentences, when ``text`` has a story
    around them), most specific first; a follow-up that only names another treatment ("and for
    PRRT?" after "how is chemo given?") asks the same as before.
    """
    entities = list(entities)
    story_only = _named_in_story_only(entities, text)
    entities = _asked_in(entities, text)
    term_topics = [
        (term.lower(), terminology.treatment_for_term(term))
        for term in _entity_values(entities, TREATMENT_LABEL)
    ]
    from_intent = terminology.treatment_for_intent(intent)
    named = [topic for _, topic in term_topics if topic and not (from_intent and topic == OVERVIEW)]

    if (not named and current_topic in terminology.treatments and from_intent != current_topic
            and points_back(text)):
        topic: Optional[str] = current_topic  # "does it help the diarrhoea too?" after lanreotide
    elif from_intent and (not named or from_intent in named or story_only):
        topic = from_intent
    elif named:
        topic = named[0]
    else:
        topic = current_topic if current_topic in terminology.treatments else None

    aspects = [terminology.aspect_for_term(term) for term in _entity_values(entities, ASPECT_LABEL)]
    asked = terminology.by_priority(a for a in aspects if a)
    if not asked and intent == FOLLOW_UP and named and current_aspect:
        asked = (current_aspect,)
    focus = tuple(term for term, named_topic in term_topics if named_topic == topic)
    return Question(topic, asked, focus)
