"""DIET's length-bucketed training batches (net_assistant/rasa_adapters/bucketed_diet.py)."""
from typing import Any, List

import numpy as np
import pytest
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.utils import train_utils
from rasa.utils.tensorflow.constants import LABEL, SEQUENCE
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import FeatureArray, RasaModelData

from net_assistant.rasa_adapters.bucketed_diet import (
    LengthBucketedBatchGenerator,
    LengthBucketedDIETClassifier,
    length_bucketed_order,
)


def _runs(order: np.ndarray, batch_size: int) -> List[np.ndarray]:
    return [order[start:start + batch_size] for start in range(0, len(order), batch_size)]


def _padded(lengths: np.ndarray, order: np.ndarray, batch_size: int) -> int:
    """What Rasa computes on: every batch padded to its longest example."""
    return sum(len(run) * int(lengths[run].max()) for run in _runs(order, batch_size))


@settings(max_examples=200, deadline=None)
@given(lengths=st.lists(st.integers(1, 70), min_size=1, max_size=300), batch_size=st.integers(1, 64))
def test_every_example_once_in_batches_of_neighbouring_lengths(lengths: List[int],
                                                               batch_size: int) -> None:
    lengths_array = np.array(lengths)
    order = length_bucketed_order(lengths_array, batch_size)
    assert sorted(order.tolist()) == list(range(len(lengths)))
    runs = _runs(order, batch_size)
    assert all(len(run) == batch_size for run in runs[:-1])
    by_length = sorted(lengths)
    for run in runs:  # each batch is a stretch of the examples sorted by length
        low, high = int(lengths_array[run].min()), int(lengths_array[run].max())
        inside = [length for length in by_length if low < length < high]
        assert len(inside) <= len(run)


def test_the_batches_come_in_a_new_order_every_epoch() -> None:
    lengths = np.arange(640) % 37
    orders = {tuple(length_bucketed_order(lengths, 64)[::64]) for _ in range(5)}
    assert len(orders) > 1


def _model_data(lengths: List[int]) -> RasaModelData:
    sequences = np.empty(len(lengths), dtype=object)
    for index, length in enumerate(lengths):
        sequences[index] = scipy.sparse.coo_matrix(np.ones((length, 3)))
    labels = np.array([[index % 2] for index in range(len(lengths))])
    return RasaModelData(label_key=LABEL, label_sub_key="ids", data={
        TEXT: {SEQUENCE: [FeatureArray(sequences, number_of_dimensions=3)]},
        LABEL: {"ids": [FeatureArray(labels, number_of_dimensions=2)]},
    })


@pytest.mark.parametrize("batch_strategy", ["sequence", "balanced"])
def test_the_generator_pads_less_than_rasas(batch_strategy: str) -> None:
    lengths = [3] * 90 + [40] * 10
    data = _model_data(lengths)

    def padded(generator: RasaBatchDataGenerator) -> int:
        features = generator._data[TEXT][SEQUENCE][0]
        order = np.arange(len(features))
        return _padded(np.array([f.shape[0] for f in features]), order, 10)

    ours = LengthBucketedBatchGenerator(data, batch_size=10, batch_strategy=batch_strategy)
    rasas = RasaBatchDataGenerator(data, batch_size=10, batch_strategy=batch_strategy)
    assert padded(ours) == 3 * 90 + 40 * 10
    assert padded(ours) < padded(rasas)


def test_diet_trains_with_our_generator_and_puts_rasas_back(monkeypatch: Any) -> None:
    seen = []

    def train(self: DIETClassifier, training_data: Any) -> None:
        seen.append(train_utils.RasaBatchDataGenerator)
        raise RuntimeError("stop")

    monkeypatch.setattr(DIETClassifier, "train", train)
    classifier = LengthBucketedDIETClassifier.__new__(LengthBucketedDIETClassifier)
    with pytest.raises(RuntimeError):
        classifier.train(None)  # type: ignore[arg-type]
    assert seen == [LengthBucketedBatchGenerator]
    assert train_utils.RasaBatchDataGenerator is RasaBatchDataGenerator
