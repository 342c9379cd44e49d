"""Build and load the project's own spaCy pipeline.

No pretrained English pipeline can be installed here, so the assistant uses a blank English
pipeline with the lookup lemmatizer (tables from ``spacy-lookups-data``) and an entity ruler
built from ``content/terminology.yml``. Rasa's ``SpacyNLP`` loads it by path
(``config.yml``); ``python -m net_assistant.nlp`` (run by ``make setup``) rebuilds it.
"""
from __future__ import annotations

import argparse
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler

from net_assistant.content.loading import PROJECT_DIR
from net_assistant.knowledge.terminology import (
    ASPECT_LABEL,
    TREATMENT_LABEL,
    Terminology,
    load_terminology,
)

PIPELINE_DIR = PROJECT_DIR / "build" / "spacy_net_en"


def ruler_patterns(terminology: Terminology) -> List[Dict[str, Any]]:
    """One phrase pattern per term; the pattern id is the canonical treatment or aspect id."""
    patterns = []
    for label, entries in (
        (TREATMENT_LABEL, terminology.treatments.values()),
        (ASPECT_LABEL, terminology.aspects.values()),
    ):
        for entry in entries:
            patterns += [{"label": label, "pattern": term, "id": entry.id} for term in entry.terms]
    return patterns


def build_pipeline(terminology: Terminology) -> Language:
    """Blank English + lookup lemmatizer + entity ruler for the terminology."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler: EntityRuler = nlp.add_pipe(  # type: ignore[assignment]
        "entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()
    # spaCy 3.4's initialize() empties the entity ruler, so its patterns come afterwards.
    ruler.add_patterns(ruler_patterns(terminology))
    nlp.meta["name"] = "net_en"
    nlp.meta["description"] = "Blank English + lookup lemmatizer + NET treatment entity ruler"
    return nlp


@lru_cache(maxsize=None)
def load_pipeline(path: Path = PIPELINE_DIR) -> Language:
    """The built pipeline, loaded once per process (run ``make setup`` to build it)."""
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `make setup` to build it")
    return spacy.load(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=PIPELINE_DIR)
    args = parser.parse_args()
    nlp = build_pipeline(load_terminology())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.output)
    print(f"Built spaCy pipeline {nlp.pipe_names} with "
          f"{len(nlp.get_pipe('entity_ruler'))} patterns in {args.output}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
