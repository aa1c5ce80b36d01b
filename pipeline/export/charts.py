"""The briefing's charts as PNG bytes, drawn with matplotlib's Agg canvas."""
from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from .model import SCORE_COLOURS

__all__ = ["DPI", "colour", "comparison", "heatmap", "ranking"]

DPI = 144
_CMAP = LinearSegmentedColormap.from_list("coverage", [f"#{c}" for c in SCORE_COLOURS]).with_extremes(
    bad="#eceef2"
)


def heatmap(grid: pd.DataFrame, annotate: bool) -> bytes:
    values = np.ma.masked_invalid(grid.to_numpy(dtype=float))
    n_rows, n_cols = values.shape
    cell_w = 0.95 if annotate else max(0.14, min(0.5, 9.5 / max(n_cols, 1)))
    fig = Figure(figsize=(2.4 + cell_w * n_cols, 0.9 + 0.34 * n_rows), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    # pcolormesh draws the white cell borders itself; a minor-tick grid is much slower.
    mesh = ax.pcolormesh(values, cmap=_CMAP, vmin=0, vmax=100, edgecolors="white",
                         linewidth=1.2 if annotate else 0.5)
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_yticks(np.arange(n_rows) + 0.5, [_short(c) for c in grid.index], fontsize=8, parse_math=False)
    upright = annotate or n_cols <= 12
    ax.set_xticks(np.arange(n_cols) + 0.5, [str(c) for c in grid.columns], parse_math=False,
                  fontsize=8 if upright else 6, rotation=0 if upright else 90)
    if annotate:
        ax.xaxis.tick_top()
        for (i, j), v in np.ndenumerate(grid.to_numpy(dtype=float)):
            ax.text(j + 0.5, i + 0.5, "–" if np.isnan(v) else f"{v:.0f}", ha="center", va="center",
                    fontsize=8, color="#1b1f24")
    ax.tick_params(which="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(mesh, ax=ax, fraction=0.025 if n_cols > 20 else 0.05, pad=0.02, ticks=[0, 50, 100])
    bar.ax.set_yticklabels(["0", "50", "100"] if annotate else ["none", "partial", "full"], fontsize=7)
    bar.ax.tick_params(length=0)
    bar.outline.set_visible(False)
    return _png(fig)


def ranking(scores: pd.Series) -> bytes:
    fig = Figure(figsize=(4.4, 0.7 + 0.32 * len(scores)), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = np.arange(len(scores))
    ax.barh(y, scores.to_numpy(), color=[colour(s) for s in scores], height=0.7, edgecolor="#5b6577",
            linewidth=0.4)
    ax.set_yticks(y, [_short(c) for c in scores.index], fontsize=8, parse_math=False)
    ax.invert_yaxis()
    ax.set_xlim(0, 108)
    for yi, s in zip(y, scores):
        ax.text(s + 1.5, yi, f"{s:.0f}", va="center", fontsize=8, color="#1b1f24")
    _tidy(ax)
    return _png(fig)


def comparison(frame: pd.DataFrame) -> bytes:
    fig = Figure(figsize=(4.4, 0.8 + 0.55 * len(frame)), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = np.arange(len(frame))
    styles = [("#1f2a44", 0.28), ("#9aa5b8", 0.22), ("#cfd5df", 0.22)]
    for k, (column, (colour, height)) in enumerate(zip(frame.columns, styles)):
        ax.barh(y + (k - 1) * 0.26, frame[column].to_numpy(), height=height, color=colour,
                label=_short(column))
    ax.set_yticks(y, list(frame.index), fontsize=8, parse_math=False)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    legend = ax.legend(fontsize=7, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3)
    for text in legend.get_texts():
        text.set_parse_math(False)
    _tidy(ax)
    return _png(fig)


def _tidy(ax: Any) -> None:
    ax.tick_params(axis="both", labelsize=8, length=0)
    ax.grid(axis="x", color="#e3e6eb", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _png(fig: Figure) -> bytes:
    # Figures are made without pyplot, so nothing is registered globally and nothing leaks.
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.08, facecolor="white")
    return buffer.getvalue()


def colour(score: float) -> str:
    """The heat colour of a score from 0 to 100 as ``#rrggbb``."""
    r, g, b, _ = _CMAP(float(np.clip(score, 0, 100)) / 100)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def _short(text: Any, limit: int = 38) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
