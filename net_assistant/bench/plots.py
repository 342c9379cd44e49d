"""The benchmark's plots (matplotlib, SVG-free PNGs for docs/benchmarks.md)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"ours": "#005a70", "default": "#c0504d", "floor": "#7f7f7f",
           "ours-without-speedups": "#e69f00", "default-without-speedups": "#e8a3a1",
           "ours-2-workers": "#8e44ad"}


def _colour(name: str) -> str:
    return COLOURS.get(name, "#e69f00")


def latency_against_users(results: Dict[str, Any], path: Path) -> None:
    """p50 (dashed) and p95 (solid) per system against simultaneous users, log scale."""
    figure, axes = plt.subplots(figsize=(7, 4.2))
    for name, measured in results.items():
        users = sorted(measured.levels)
        if not users:
            continue
        for key, style in (("p95_ms", "-"), ("p50_ms", "--")):
            axes.plot(users, [measured.levels[u][key] for u in users], style, marker="o",
                      color=_colour(name), label=f"{name} {key[:3]}")
    axes.set(xscale="log", yscale="log", xlabel="simultaneous users",
             ylabel="latency per message (ms)", title="Latency against users")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def latency_against_turn(results: Dict[str, Any], path: Path) -> None:
    """Latency of each turn of one long conversation, one user, per system."""
    figure, axes = plt.subplots(figsize=(7, 4.2))
    for name, measured in results.items():
        if measured.turns:
            turns = sorted(measured.turns)
            axes.plot(turns, [measured.turns[t] for t in turns], color=_colour(name),
                      label=name, linewidth=1)
    axes.set(yscale="log", xlabel="turn of the conversation", ylabel="latency (ms)",
             title="Latency against conversation length (one user, REST)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_plots(results: Dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    latency_against_users(results, folder / "latency-against-users.png")
    latency_against_turn(results, folder / "latency-against-turn.png")
