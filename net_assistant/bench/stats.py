"""Statistics of a benchmark run: percentiles, throughput, ratios. Pure functions, tested.

Kept apart from the load generator so what a figure means can be checked without a server.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Sequence


def percentile(values: Sequence[float], share: float) -> Optional[float]:
    """The ``share`` (0–1) percentile by linear interpolation between closest ranks (NumPy's
    default), so p50 of an even count is the mean of the two middle values. None if empty."""
    if not values:
        return None
    if not 0 <= share <= 1:
        raise ValueError(f"share must be within 0 and 1, got {share}")
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Record:
    """One message a simulated user sent: when (seconds since the run began), how long the
    answer took, over which channel, at which turn of its conversation, and whether it failed."""

    started: float
    seconds: float
    transport: str
    turn: int
    ok: bool = True


@dataclass(frozen=True)
class Summary:
    """What one load level gives: latency percentiles in milliseconds (answered messages only),
    answered messages per second of the measuring window, and failures."""

    messages: int
    errors: int
    p50_ms: Optional[float]
    p95_ms: Optional[float]
    p99_ms: Optional[float]
    max_ms: Optional[float]
    per_second: float

    def as_dict(self) -> Dict[str, Optional[float]]:
        return dict(self.__dict__)


def summarise(records: Iterable[Record], window_seconds: float) -> Summary:
    """Latency and throughput of the records; errors count, but have no latency."""
    records = list(records)
    answered = [1000 * r.seconds for r in records if r.ok]
    return Summary(
        messages=len(records),
        errors=sum(not r.ok for r in records),
        p50_ms=percentile(answered, 0.50),
        p95_ms=percentile(answered, 0.95),
        p99_ms=percentile(answered, 0.99),
        max_ms=max(answered) if answered else None,
        per_second=len(answered) / window_seconds if window_seconds > 0 else 0.0,
    )


def ratio(ours: Optional[float], other: Optional[float]) -> Optional[float]:
    """ours / other, or None when either is unknown or the other is zero."""
    if ours is None or other is None or other == 0:
        return None
    return ours / other


def by_turn(records: Iterable[Record]) -> Dict[int, List[float]]:
    """Answered latencies in milliseconds per turn number of the conversation."""
    turns: Dict[int, List[float]] = {}
    for record in records:
        if record.ok:
            turns.setdefault(record.turn, []).append(1000 * record.seconds)
    return turns


def block_median(latencies_by_turn: Mapping[int, Sequence[float]], first: int,
                 last: int) -> Optional[float]:
    """The median latency over turns ``first``..``last`` (inclusive): one turn alone is one
    sample, too noisy to compare turn 1 with turn 100."""
    values = [v for turn in range(first, last + 1) for v in latencies_by_turn.get(turn, ())]
    return percentile(values, 0.5)
