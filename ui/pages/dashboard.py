"""«Tablero» (home page): compliance per group with traffic lights and progress bars, charts by
component and by responsible unit, overdue and due-this-week lists, the next cut.

Start-up budget: this is the first screen, so it reads with plain SQL
(`rcdesk/followup/reads.py`, no SQLAlchemy) and builds its charts only when a chart tab is
opened. The numbers are computed through `ctx.runner`. Nothing here touches `Qt` (the
namespace) or `QStyle` before the figures are painted (see ui/main_window.py).
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, format_pct

from ..shell import PageSpec
from ..widgets.empty_hint import EmptyHint, go_to, load_example
from ..widgets.pct_bar import FOREGROUND_ROLE, USER_ROLE, PctBar, set_bar

ActivityRole = USER_ROLE + 1
_CUSTOM_CONTEXT_MENU = 3  # Qt.ContextMenuPolicy.CustomContextMenu, set by property name (start-up budget)


def _dot(color: str) -> QColor:
    """Text colour of a traffic light; set as FOREGROUND_ROLE data (QBrush(…) would build the Qt enums)."""
    return QColor(COLOR_HEX.get(color, "#9E9E9E"))


class DashboardPage(QWidget):
    def __init__(self, ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.data = None

        self.heading = QLabel()
        self.heading.setWordWrap(True)  # rich text: its HTML starts with a tag
        self.plan_bar = PctBar()
        self.plan_bar.setMinimumWidth(220)
        self.cut_label = QLabel()
        self.cut_label.setWordWrap(True)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        head = QGridLayout()
        head.addWidget(self.heading, 0, 0, 1, 2)
        head.addWidget(QLabel("Avance del plan:"), 1, 0)
        head.addWidget(self.plan_bar, 1, 1)
        head.addWidget(self.cut_label, 2, 0, 1, 2)
        head.addWidget(self.counts, 3, 0, 1, 2)
        head.setColumnStretch(1, 1)

        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Cumplimiento por grupo")
        self.tree.setHeaderLabels(["Grupo", "Avance", "Semáforo", "Actividades"])
        self.tree.setColumnWidth(0, 360)
        # % column: a bar image + the readable text beside it (no widget per row, see pct_bar.py)
        self.tree.setColumnWidth(1, 200)
        self.tree.setColumnWidth(2, 80)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        # the right-click menu is built on the first right click: table_menu touches `Qt` (start-up budget)
        self.tree.setProperty("contextMenuPolicy", _CUSTOM_CONTEXT_MENU)
        self.tree.customContextMenuRequested.connect(self._first_menu)

        self.overdue = QListWidget()
        self.overdue.setAccessibleName("Actividades vencidas")
        self.week = QListWidget()
        self.week.setAccessibleName("Actividades que vencen esta semana")
        for w in (self.overdue, self.week):
            w.itemActivated.connect(self._go_followup)
            # one line per activity: the view need not measure every row to lay them out (~6 ms
            # of the large plan's first figures)
            w.setUniformItemSizes(True)
        self.overdue_label = QLabel("Vencidas")
        self.week_label = QLabel("Vencen esta semana")
        lists_w = QWidget()
        lists = QVBoxLayout(lists_w)
        for lab, w in ((self.overdue_label, self.overdue), (self.week_label, self.week)):
            lists.addWidget(lab)
            lists.addWidget(w, 1)
        self._lists = lists
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Vencimientos y gráficos")
        self.tabs.addTab(lists_w, "Vencimientos")
        self.component_tab = QWidget()
        self.unit_tab = QWidget()
        for tab in (self.component_tab, self.unit_tab):
            QVBoxLayout(tab).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.component_tab, "Por componente")
        self.tabs.addTab(self.unit_tab, "Por unidad responsable")
        self.tabs.currentChanged.connect(lambda _i: self._fill_charts())
        self._charts_for = None  # the Dashboard the charts show

        body = QSplitter()  # horizontal
        body.addWidget(self.tree)
        body.addWidget(self.tabs)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        self.splitters = [body]  # the main window remembers it without searching the page (start-up)

        self.empty = EmptyHint(
            "Tablero de seguimiento",
            "Aquí verá el cumplimiento del plan actual, los semáforos, las actividades vencidas y el próximo "
            "corte de seguimiento. Elija un plan en la barra superior o, si todavía no hay ninguno, "
            "importe su cronograma o cargue los datos de ejemplo.",
            [
                ("&Importar un plan…", go_to(self, "plans", "import_plan")),
                ("Cargar datos de &ejemplo", load_example(self)),
            ],
            chapter="inicio",
        )
        self.content = QWidget()
        cl = QVBoxLayout(self.content)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addLayout(head)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        cl.addWidget(line)
        cl.addWidget(body, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.empty)
        lay.addWidget(self.content)
        # while the figures are computed (they may be painted meanwhile) the page must not say
        # that there is no plan: the message only shows when show_data(None) says so
        self.empty.setVisible(False)

        ctx.events.plan_selected.connect(lambda _pid: self.refresh())
        ctx.events.data_changed.connect(self._on_data_changed)
        self.refresh()

    # -- data ---------------------------------------------------------------------------------------
    def _on_data_changed(self, changes, initiator) -> None:
        if changes.everything or changes.plans or changes.activities or changes.followup:
            self.refresh()

    def refresh(self) -> None:
        plan_id = self.ctx.current_plan_id
        if not plan_id:
            self.show_data(None)
            return
        db = self.ctx.db

        def job(progress, cancel):
            from rcdesk.followup.reads import dashboard

            return dashboard(db, plan_id, with_reports=False)

        self.ctx.runner.run(job, title="Calculando el tablero…", parent=self, on_done=self.show_data, cancellable=False)

    def show_data(self, d) -> None:
        self.data = d
        self.empty.setVisible(d is None)
        self.content.setVisible(d is not None)
        if d is None:
            return
        light = d.plan_light
        self.heading.setText(
            f"<h2 style='margin:0'>{_h(d.entity)} — vigencia {d.year}</h2>"
            f"<span style='color:#555'>Corte al {d.cut:%d/%m/%Y} · semáforo «{_h(d.profile.name)}»</span>"
        )
        self.plan_bar.set_value(
            float(d.plan.rated) if d.plan.rated is not None else None,
            light.hex,
            f"{format_pct(d.plan)} — {light.label}",
        )
        if d.next_cut:
            c = d.next_cut
            when = "hoy" if c.days_to_publish == 0 else f"en {c.days_to_publish} días"
            self.cut_label.setText(
                f"<b>Próximo corte:</b> {c.label}, al {c.cut:%d/%m/%Y} — publicar el informe de seguimiento a más "
                f"tardar el <b>{c.publish_by:%d/%m/%Y}</b> ({when})."
            )
        else:
            self.cut_label.setText("<b>Cortes:</b> todos los cortes de esta vigencia ya pasaron.")
        parts = [
            f"<span style='color:{COLOR_HEX[c]}'>■</span> {COLOR_LABELS[c]}: {n}" for c, n in d.colors.items() if n
        ]
        self.counts.setText(
            " &nbsp; ".join(parts) + f" &nbsp; · &nbsp; <b>{d.pending_review}</b> reporte(s) por validar"
            f" · <b>{len(d.overdue)}</b> vencida(s)"
        )
        self._fill_tree(d)
        self._fill_lists(d)
        self._fill_charts()

    def _fill_tree(self, d) -> None:
        self.tree.clear()
        ratio = self.tree.devicePixelRatioF()
        items: dict[str, QTreeWidgetItem] = {}
        for g in d.groups:
            parent = items.get(g.parent_id) if g.parent_id else None
            rated = g.compliance.rated
            item = QTreeWidgetItem(
                [g.label, format_pct(rated, none="sin programación"), COLOR_LABELS[g.light.color], str(g.activities)]
            )
            set_bar(item, 1, float(rated) if rated is not None else None, COLOR_HEX[g.light.color], ratio)
            item.setToolTip(1, f"{format_pct(g.compliance)} de avance")
            item.setToolTip(0, g.label)
            item.setToolTip(2, g.light.label)
            item.setData(2, FOREGROUND_ROLE, _dot(g.light.color))
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            items[g.group_id] = item
        self.tree.expandToDepth(0)

    # A plan behind schedule can have a couple of thousand overdue activities: the first rows
    # are listed with the figures, the rest in slices after the page is painted (input between).
    FIRST_ROWS = 60
    SLICE_ROWS = 300

    def _fill_lists(self, d) -> None:
        self._fill_generation = getattr(self, "_fill_generation", 0) + 1
        for widget, label, rows, title in (
            (self.overdue, self.overdue_label, d.overdue, "Vencidas"),
            (self.week, self.week_label, d.due_this_week, "Vencen esta semana"),
        ):
            widget.clear()
            label.setText(f"<b>{title}</b> ({len(rows)})")
            # the longer list gets the room (up to 3 to 1): 1,752 overdue activities should not
            # share the tab half and half with an empty «this week»
            self._lists.setStretchFactor(widget, min(3, max(1, len(rows))))
            if not rows:
                widget.addItem("(ninguna)")
                continue
            self._add_rows(widget, rows, 0, self.FIRST_ROWS, self._fill_generation)

    def _add_rows(self, widget, rows, start: int, count: int, generation: int) -> None:
        if generation != self._fill_generation:
            return  # newer figures replaced these
        for a in rows[start : start + count]:
            when = f"hace {-a.days_left} d" if a.overdue else ("hoy" if a.days_left == 0 else f"en {a.days_left} d")
            # day/month by hand: strftime imports `time` per call, through PySide6's import hook
            # one line (uniform row heights): a description typed with line breaks in a cell is
            # joined here and kept whole in the tooltip
            item = QListWidgetItem(
                f"{a.due.day:02d}/{a.due.month:02d} ({when}) · {a.number + ' ' if a.number else ''}"
                + " ".join(a.description.split())
            )
            item.setToolTip(f"{a.description}\nResponsable: {a.responsible}\n% avance: {format_pct(a.compliance)}")
            item.setData(FOREGROUND_ROLE, _dot("rojo" if a.overdue else "amarillo"))
            item.setData(ActivityRole, a.activity_id)
            widget.addItem(item)
        if start + count < len(rows):
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, lambda: self._add_rows(widget, rows, start + count, self.SLICE_ROWS, generation))

    def _fill_charts(self) -> None:
        """Build the chart of the visible tab (only when it is opened: not on the first screen)."""
        d = self.data
        tab = self.tabs.currentWidget()
        if d is None or tab not in (self.component_tab, self.unit_tab):
            return
        if getattr(tab, "shown_for", None) is d:
            return
        layout = tab.layout()
        while layout.count():
            old = layout.takeAt(0).widget()
            if old is not None:
                old.hide()  # deleted later: it must not show under the new chart meanwhile
                old.deleteLater()
        from ..widgets.bar_chart import BarChart

        if tab is self.component_tab:
            view = BarChart(
                "componente", "componentes", list(d.components), order="primeros", rest="{n} componentes más"
            )
        else:  # units come with the most activities first
            view = BarChart(
                "unidad responsable",
                "unidades",
                list(d.units),
                order="con más actividades",
                rest="{n} unidades con menos actividades",
            )
        layout.addWidget(view)
        tab.shown_for = d

    def _first_menu(self, pos) -> None:
        from ..widgets.table_menu import install_table_menu

        self.tree.customContextMenuRequested.disconnect(self._first_menu)
        install_table_menu(self.tree, export=("cumplimiento por grupo", self.ctx.settings))._show(pos)

    def _go_followup(self, item: QListWidgetItem) -> None:
        activity_id = item.data(ActivityRole)
        if not activity_id:
            return
        win = self.window()
        if hasattr(win, "show_page"):
            page = win.show_page("followup")
            for r, a in enumerate(page.model.rows()):
                if a.activity_id == activity_id:
                    page.tabs.setCurrentIndex(0)
                    page.table.selectRow(r)
                    page.table.setFocus()
                    break


def _h(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


PAGES = [
    PageSpec(
        key="dashboard",
        title="Tablero",
        order=5,
        factory=lambda ctx: DashboardPage(ctx),
        icon="SP_ComputerIcon",
        tooltip="Cumplimiento, semáforos, vencimientos y próximo corte del plan actual",
    ),
]
