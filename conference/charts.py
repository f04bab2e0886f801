"""Bar charts drawn on the server as SVG (matplotlib), so that a page and its PDF show the same picture.

A page shows a chart as an image from a data: URL: the SVG styles its shapes with style attributes, which
the site's Content-Security-Policy would refuse inline but allows inside an image. Text stays text in the
SVG (searchable in the PDF), and labels are never read as matplotlib's math notation.
"""

import base64
import io
import textwrap
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

ACCENT = "#0b4f7c"  # --accent of site.css
INK = "#1d2733"
LINE = "#cfd8e0"
LABEL_WIDTH = 38  # characters per line of a bar's label beside it
UPRIGHT_LABEL_WIDTH = 16  # under an upright bar
LABEL_LINES = 3


@dataclass(frozen=True)
class Chart:
    svg: str
    description: str  # what the chart shows, for those who cannot see it

    @property
    def data_url(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()

    def img(self) -> Markup:
        return Markup('<img class="chart" src="{}" alt="{}">').format(self.data_url, self.description)

    def inline(self) -> Markup:
        """The SVG itself, for a PDF (WeasyPrint applies no Content-Security-Policy)."""
        return Markup(self.svg)


def _label(text: str, width: int) -> str:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: width - 1] + "…"
    return "\n".join(lines)


def bars(labels: list[str], counts: list[int], *, horizontal: bool = True, description: str = "") -> Chart:
    """One bar per label with its count written beside it: horizontal for named options, upright for a scale or
    for days (labels short enough to stand under their bar)."""
    # matplotlib is imported on first use: it takes a while, and most requests draw no chart.
    import matplotlib

    matplotlib.use("svg")
    from matplotlib.figure import Figure

    settings: Any = {  # matplotlib types the keys as a Literal of every setting
        "svg.fonttype": "none",
        "svg.hashsalt": "conference",  # the same chart gives the same SVG
        "text.parse_math": False,
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "text.color": INK,
        "axes.edgecolor": LINE,
        "xtick.color": INK,
        "ytick.color": INK,
    }
    with matplotlib.rc_context(settings):
        shown = [_label(label, LABEL_WIDTH if horizontal else UPRIGHT_LABEL_WIDTH) for label in labels]
        if horizontal:
            lines = sum(label.count("\n") + 1 for label in shown)
            figure = Figure(figsize=(6.4, 0.5 + 0.22 * max(lines, 2) + 0.12 * len(labels)))
            axes = figure.add_subplot()
            positions = range(len(labels))
            drawn = axes.barh(positions, counts, color=ACCENT)
            axes.set_yticks(positions, shown)
            axes.invert_yaxis()  # the first option on top, as in the form
        else:
            figure = Figure(figsize=(6.4, 2.2))
            axes = figure.add_subplot()
            positions = range(len(labels))
            drawn = axes.bar(positions, counts, color=ACCENT)
            axes.set_xticks(positions, shown, rotation=90 if len(labels) > 12 else 0)
        axes.bar_label(drawn, padding=2)
        axes.margins(x=0.08) if horizontal else axes.margins(y=0.15)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        (axes.xaxis if horizontal else axes.yaxis).set_visible(False)
        figure.set_layout_engine("constrained")
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    return Chart(svg[svg.index("<svg") :], description)
