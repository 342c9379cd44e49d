"""The benchmark's statistics (net_assistant.bench.stats): what its figures mean."""
from __future__ import annotations

import pytest

from net_assistant.bench.stats import Record, block_median, by_turn, percentile, ratio, summarise


def test_percentiles_interpolate_between_closest_ranks_like_numpy() -> None:
    values = [4.0, 1.0, 3.0, 2.0]
    assert percentile(values, 0.5) == 2.5
    assert percentile(values, 0.0) == 1.0 and percentile(values, 1.0) == 4.0
    assert percentile(list(range(1, 101)), 0.95) == pytest.approx(95.05)
    assert percentile(list(range(1, 101)), 0.99) == pytest.approx(99.01)
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.5) is None


def test_a_share_outside_0_to_1_is_refused() -> None:
    with pytest.raises(ValueError):
        percentile([1.0], 95)


def test_summary_counts_errors_but_gives_them_no_latency() -> None:
    records = [Record(0.0, 0.1, "rest", 1), Record(0.5, 0.3, "rest", 2),
               Record(1.0, 30.0, "socketio", 1, ok=False), Record(1.5, 0.2, "socketio", 2)]
    summary = summarise(records, window_seconds=2.0)
    assert (summary.messages, summary.errors) == (4, 1)
    assert summary.p50_ms == pytest.approx(200.0)
    assert summary.max_ms == pytest.approx(300.0)
    assert summary.per_second == pytest.approx(1.5)  # three answered in two seconds


def test_an_empty_level_has_no_latency_and_no_throughput() -> None:
    summary = summarise([], window_seconds=0.0)
    assert summary.p95_ms is None and summary.per_second == 0.0


def test_ratios_are_ours_over_theirs_and_unknown_when_either_is() -> None:
    assert ratio(30.0, 10.0) == 3.0
    assert ratio(None, 10.0) is None and ratio(3.0, None) is None and ratio(3.0, 0.0) is None


def test_turn_blocks_compare_the_start_and_the_end_of_a_conversation() -> None:
    records = [Record(float(t), 0.001 * t, "rest", t) for t in range(1, 11)]
    records.append(Record(11.0, 9.0, "rest", 10, ok=False))
    turns = by_turn(records)
    assert turns[10] == [pytest.approx(10.0)]  # the failed message is not a latency
    assert block_median(turns, 1, 3) == pytest.approx(2.0)
    assert block_median(turns, 8, 10) == pytest.approx(9.0)
    assert block_median(turns, 20, 30) is None


def test_the_figures_table_shows_ours_as_ratios_to_the_default_and_the_floor() -> None:
    from net_assistant.benchmark import Measured, markdown, rows

    def system(name: str, p95: float, per_second: float) -> Measured:
        return Measured(name, levels={10: {"p95_ms": p95, "per_second": per_second}},
                        cold_start_seconds=p95 / 10, model={"training_seconds": p95})

    table = rows({"floor": system("floor", 100, 50), "default": system("default", 400, 10),
                  "ours": system("ours", 150, 30)})
    header, lines = table[0], {row[0]: row for row in table[1:]}
    assert header == ["figure", "floor", "default", "ours", "ours/default", "ours/floor"]
    assert lines["p95 at 10 users"][1:] == ["100 ms", "400 ms", "150 ms", "0.38×", "1.50×"]
    assert lines["messages/s at 10 users"][4:] == ["3.00×", "0.60×"]
    assert lines["errors at 10 users"][4:] == ["n/a", "n/a"]  # counts get no ratio
    assert markdown(table).splitlines()[1] == "|" + " --- |" * 6


def test_the_default_on_rasas_own_code_paths_gets_a_ratio_of_its_own() -> None:
    from net_assistant.benchmark import Measured, rows

    table = rows({"default": Measured("default", levels={10: {"per_second": 20}}),
                  "ours": Measured("ours", levels={10: {"per_second": 60}}),
                  "default-without-speedups": Measured("default-without-speedups",
                                                       levels={10: {"per_second": 10}})})
    header, lines = table[0], {row[0]: row for row in table[1:]}
    assert header[-2:] == ["ours/default", "ours/default-without-speedups"]
    assert lines["messages/s at 10 users"][-2:] == ["3.00×", "6.00×"]
