"""Numbers typed in the GUI's cells and forms: nan, inf and huge values are refused in Spanish."""

from __future__ import annotations

import pytest

BAD = ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "doce"]


@pytest.mark.parametrize("text", BAD)
def test_poa_cell_parser_refuses_what_is_not_a_finite_number(text):
    from ui.models.poa_grid import parse_cell

    with pytest.raises(ValueError):
        parse_cell(text)


def test_poa_cell_parser_reads_what_people_type():
    from ui.models.poa_grid import parse_cell

    assert [parse_cell(t) for t in ("1.234,5", "1234.5", "85", " ", "0,125")] == [1234.5, 1234.5, 85.0, None, 0.125]


def test_poa_grid_refuses_nan_and_inf_and_saves_nothing(qtbot, demo_ctx):
    from PySide6.QtWidgets import QAbstractItemView

    from ui.main_window import MainWindow
    from ui.models.poa_grid import COL_DEVENGADO, COL_EXECUTED, PoaGridModel

    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.show()
    grid = None
    for row in range(len(window.specs)):
        window.nav.setCurrentRow(row)
        grid = next(
            (
                v.model()
                for v in window.stack.currentWidget().findChildren(QAbstractItemView)
                if isinstance(v.model(), PoaGridModel) and v.model().rowCount()
            ),
            None,
        )
        if grid is not None:
            break
    assert grid is not None, "the demo's POA grid has rows"
    refused: list[str] = []
    grid.edit_failed.connect(refused.append)
    saved: list = []
    grid.saved.connect(saved.append)
    for col in (COL_EXECUTED, COL_DEVENGADO):
        idx = grid.index(0, col)
        before = idx.data()
        for text in ("nan", "inf", "1e400"):
            assert grid.setData(idx, text) is False
            assert refused[-1] == f"«{text}» no es un número."
            assert idx.data() == before
    demo_ctx.runner.wait()
    assert saved == []
