"""The /ticket stats chart: a PNG drawn with matplotlib's Agg backend, off the event loop.

Figures are made with the object API (`Figure` + an Agg canvas), never `pyplot`: pyplot keeps
global state and picks a GUI backend, neither of which belongs in a server. Drawing takes
tens of milliseconds of CPU, so callers run `render_stats_chart` in a worker thread
(`asyncio.to_thread`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from core.stats import DeskStats

__all__ = ["ChartTexts", "render_stats_chart"]


@dataclass(frozen=True)
class ChartTexts:
    """The chart's words, in the asking agent's language."""

    title: str
    opened: str
    resolved: str
    by_status: str
    statuses: Sequence[tuple[str, int]]  # (name, count), in display order


def render_stats_chart(stats: DeskStats, texts: ChartTexts) -> bytes:
    # Imported here: matplotlib takes about a second to import, which every process start
    # would pay for a chart most processes never draw.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    daily, by_status = figure.subplots(1, 2, width_ratios=(2, 1))
    # Fixed margins: a layout engine would take most of the drawing time. The left margin of
    # the second plot leaves room for status names ("Waiting for the customer").
    figure.subplots_adjust(left=0.05, right=0.98, bottom=0.1, top=0.92, wspace=0.55)
    days = [d.day for d in stats.days]
    positions = list(range(len(days)))
    width = 0.4
    daily.bar(
        [p - width / 2 for p in positions],
        [d.opened for d in stats.days],
        width,
        label=texts.opened,
        color="#4a90d9",
    )
    daily.bar(
        [p + width / 2 for p in positions],
        [d.resolved for d in stats.days],
        width,
        label=texts.resolved,
        color="#2eb67d",
    )
    step = max(1, -(-len(days) // 7))  # seven labels at most: they must not overlap
    daily.set_xticks(positions[::step], [d.strftime("%m-%d") for d in days][::step])
    daily.yaxis.get_major_locator().set_params(integer=True)
    daily.legend(loc="upper left")
    daily.set_title(texts.title)
    names = [name for name, _ in texts.statuses]
    counts = [count for _, count in texts.statuses]
    by_status.barh(names, counts, color="#e8a33d")
    by_status.invert_yaxis()
    by_status.xaxis.get_major_locator().set_params(integer=True)
    by_status.set_title(texts.by_status)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
