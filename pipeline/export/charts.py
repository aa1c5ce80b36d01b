"""The briefing's bar charts as PNG bytes, drawn with matplotlib's Agg canvas (shown as responsive
images; the heatmaps are HTML tables, see :func:`pipeline.export.briefing`)."""
from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from .model import SCORE_COLOURS

__all__ = ["DPI", "colour", "comparison", "ranking"]

DPI = 144
_CMAP = LinearSegmentedColormap.from_list("coverage", [f"#{c}" for c in SCORE_COLOURS]).with_extremes(
    bad="#eceef2"
)


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
