"""DIET trained on batches of messages of similar length: the same model, trained in less time.

Rasa pads every batch to its longest message. Our training messages are 8 words long on
average, but one in eight runs to 13 words or more (carers' stories), so most batches hold a long
message and most of what DIET's transformer computes is padding: about 40 % of an epoch on the
2-core machine (docs/benchmarks.md, "Training"). Here, after Rasa's own shuffle and balancing,
each epoch's examples are sorted by length into batches, and the batches are shuffled: every
example is seen as often as with Rasa's batches, next to others of its length.

``LengthBucketedDIETClassifier`` takes every DIETClassifier setting and stores and loads the
same model; only training differs.
"""
from __future__ import annotations

import contextlib
from typing import Iterator, List

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils import train_utils
from rasa.utils.tensorflow.constants import SEQUENCE
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import Data


def length_bucketed_order(lengths: np.ndarray, batch_size: int) -> np.ndarray:
    """An order of the examples in which each run of ``batch_size`` holds examples of similar
    length, the runs shuffled; the one short run (if any) comes last, so that Rasa's batches,
    cut every ``batch_size`` examples, are exactly these runs."""
    by_length = np.argsort(lengths, kind="stable")
    runs: List[np.ndarray] = [by_length[start:start + batch_size]
                              for start in range(0, len(by_length), batch_size)]
    full = [run for run in runs if len(run) == batch_size]
    short = [run for run in runs if len(run) < batch_size]
    shuffled = [full[i] for i in np.random.permutation(len(full))]
    return np.concatenate(shuffled + short) if runs else by_length


class LengthBucketedBatchGenerator(RasaBatchDataGenerator):
    """Rasa's batch generator (increasing batch size, shuffled and balanced), with each epoch's
    batches made of examples of similar length."""

    def _shuffle_and_balance(self, batch_size: int) -> Data:
        data = super()._shuffle_and_balance(batch_size)
        lengths = np.array([features.shape[0] for features in data[TEXT][SEQUENCE][0]])
        return self.model_data._data_for_ids(data, length_bucketed_order(lengths, batch_size))


@contextlib.contextmanager
def _length_bucketed_batches() -> Iterator[None]:
    """Rasa's ``create_data_generators`` makes its generators from the name
    ``RasaBatchDataGenerator`` in ``rasa.utils.train_utils``; while DIET trains, that name is
    ours."""
    original = train_utils.RasaBatchDataGenerator
    train_utils.RasaBatchDataGenerator = LengthBucketedBatchGenerator
    try:
        yield
    finally:
        train_utils.RasaBatchDataGenerator = original


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class LengthBucketedDIETClassifier(DIETClassifier):
    """DIETClassifier whose training batches hold messages of similar length."""

    def train(self, training_data: TrainingData) -> Resource:
        """Trains as DIETClassifier does, on length-bucketed batches."""
        with _length_bucketed_batches():
            return super().train(training_data)
