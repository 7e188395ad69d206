"""Bar charts for event statistics and survey results (QtCharts imported lazily)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def bar_chart(
    title: str,
    pairs: list[tuple[str, float]],
    *,
    suffix: str = "",
    max_value: float | None = None,
    parent: QWidget | None = None,
) -> QWidget:
    """A horizontal bar chart; a plain label when there is nothing to draw."""
    if not pairs or not any(v for _, v in pairs):
        lbl = QLabel(f"{title}: sin datos", parent)
        lbl.setWordWrap(True)
        return lbl
    from PySide6.QtCharts import (
        QAbstractBarSeries,
        QBarCategoryAxis,
        QBarSet,
        QChart,
        QChartView,
        QHorizontalBarSeries,
        QValueAxis,
    )
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPainter

    labels = [lbl if len(lbl) <= 34 else lbl[:33] + "…" for lbl, _ in pairs][::-1]
    # whole numbers: the bar labels cannot use Spanish decimal commas, and "32 %" reads well enough
    values = [float(round(v)) for _, v in pairs][::-1]
    s = QBarSet(title)
    s.append(values)
    s.setLabelColor(s.color().darker(250))
    series = QHorizontalBarSeries()
    series.append(s)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)  # small bars stay readable
    series.setLabelsFormat("@value" + suffix)
    chart = QChart()
    chart.addSeries(series)
    chart.setTitle(_wrap(title))
    chart.legend().setVisible(False)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    ay = QBarCategoryAxis()
    ay.append(labels)
    ax = QValueAxis()
    top = max_value or (max(values) * 1.2 or 1)
    ax.setRange(0, max(top, max(values) * 1.15))  # room for the label after the longest bar
    ax.applyNiceNumbers()  # round ticks (0, 25, 50…) instead of 0, 33, 67…
    ax.setLabelFormat("%d")
    chart.addAxis(ay, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(ax, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(ay)
    series.attachAxis(ax)
    view = QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(max(160, 34 * len(pairs) + 70) + 16 * chart.title().count("<br>"))
    return view


def _wrap(title: str, width: int = 70) -> str:
    """Long titles (survey questions) on two lines instead of being cut off with "…"."""
    if len(title) <= width:
        return title
    from html import escape
    from textwrap import wrap

    return "<br>".join(escape(line) for line in wrap(title, width))
