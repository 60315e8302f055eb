"""Live data recorded during a test drive or a rev test, plotted in the health report:
one small chart per recorded value, its time in seconds along the bottom.

`recording_lines` turns the core's kept recordings into the report's data (pure);
`flowables` draws them with reportlab's line plot.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from reports import fonts
from station.diagnostics import pid_name

log = logging.getLogger(__name__)

TITLE = {"en": "Live data", "zh": "实时数据"}
SECONDS = {"en": "s", "zh": "秒"}
LINE = colors.HexColor("#1a3d5c")
WIDTH_MM, HEIGHT_MM = 170, 32
MAX_POINTS = 400  # a long drive is thinned to this many points per chart


@dataclass(frozen=True)
class LiveSeries:
    name: str
    unit: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class LiveRecordingLine:
    label: str
    at: str
    ecu: str
    series: tuple[LiveSeries, ...]


def recording_lines(
    rows: Iterable[Mapping[str, Any]], language: str = "en"
) -> tuple[LiveRecordingLine, ...]:
    """The numeric values of each kept recording, as series of (seconds, value), each
    named in the report's language."""
    lines = []
    for row in rows:
        recording = row["recording"]
        series = []
        for pid, signal in sorted(recording["signals"].items()):
            points = tuple(
                (float(at), float(values[pid]))
                for at, values in recording["samples"]
                if isinstance(values.get(pid), int | float)
            )
            if len(points) >= 2:
                step = max(1, len(points) // MAX_POINTS)
                name = pid_name(pid, language, str(signal["name"]))
                series.append(LiveSeries(name, str(signal.get("unit") or ""), points[::step]))
        if series:
            lines.append(
                LiveRecordingLine(
                    str(row["label"]),
                    str(row["at"])[:16].replace("T", " "),
                    str(recording["ecu"]),
                    tuple(series),
                )
            )
    return tuple(lines)


def _chart(series: LiveSeries, font: str, seconds: str) -> Drawing:
    drawing = Drawing(WIDTH_MM * mm, HEIGHT_MM * mm)
    plot = LinePlot()
    plot.x, plot.y = 14 * mm, 6 * mm
    plot.width, plot.height = (WIDTH_MM - 18) * mm, (HEIGHT_MM - 12) * mm
    plot.data = [list(series.points)]
    plot.lines[0].strokeColor = LINE
    plot.lines[0].strokeWidth = 1.2
    values = [v for _t, v in series.points]
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or max(abs(high) * 0.05, 1.0)
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = low - pad, high + pad
    plot.xValueAxis.valueMin = series.points[0][0]
    plot.xValueAxis.valueMax = series.points[-1][0]
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 6.5
    drawing.add(plot)
    unit = f" ({series.unit})" if series.unit else ""
    drawing.add(
        String(14 * mm, (HEIGHT_MM - 4) * mm, f"{series.name}{unit}", fontName=font, fontSize=7.5)
    )
    drawing.add(
        String((WIDTH_MM - 4) * mm, 1 * mm, seconds, fontName=font, fontSize=6.5, textAnchor="end")
    )
    return drawing


def flowables(
    recordings: Sequence[LiveRecordingLine],
    language: str,
    font: str,
    section: ParagraphStyle,
    caption: ParagraphStyle,
) -> list[Flowable]:
    """The report's live-data section; nothing when no recording was kept."""
    if not recordings:
        return []
    lang = "zh" if language == "zh" else "en"
    out: list[Flowable] = [Paragraph(fonts.markup(TITLE[lang], section.fontName), section)]
    for line in recordings:
        text = f"{line.label} · {line.at} · ECU {line.ecu}"
        out.append(Paragraph(fonts.markup(text, caption.fontName), caption))
        for series in line.series:
            out.append(_chart(series, font, SECONDS[lang]))
        out.append(Spacer(1, 2 * mm))
    return out
