"""Start-up budget of the first screen (issue 2: at most 1.5× a bare PySide6 window).

PySide6 builds the Python enums of a Qt class the first time the class is touched; `Qt` (the
namespace, ~95 enums) and `QStyle` alone cost more than a fifth of a bare window's start-up.
The main window with the dashboard's figures on screen must not touch them (see
ui/main_window.py); bench/bench_startup.py measures the time itself.
"""

from __future__ import annotations

import subprocess
import sys

from ui.pages import PAGE_INDEX


def test_first_screen_never_builds_the_qt_namespace_or_qstyle(demo_db_path):
    db = demo_db_path
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6 import QtCore, QtWidgets\n"
        "app = QtWidgets.QApplication([])\n"
        "assert 'Qt' not in vars(QtCore) and 'QStyle' not in vars(QtWidgets)\n"
        "from rcdesk.db.database import Database\n"
        "from ui.app import create_window\n"
        f"w = create_window(Database.open({str(db)!r}))\n"
        "w.show(); app.processEvents(); w.ctx.runner.wait(); app.processEvents()\n"
        "page = w.stack.currentWidget()\n"
        "assert page.objectName() == 'page_dashboard' and page.data is not None, 'no figures on screen'\n"
        "assert page.tree.topLevelItemCount() > 0\n"
        "built = [n for n, mod in (('Qt', QtCore), ('QStyle', QtWidgets)) if n in vars(mod)]\n"
        "assert not built, f'the first screen built the enums of {built}'\n"
        "QtCore.Qt.AlignmentFlag  # the check above can fail: touching `Qt` registers it\n"
        "assert 'Qt' in vars(QtCore)\n"
        "w.close()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_a_database_nobody_set_up_opens_on_the_hint_and_the_assistant_without_them(db):
    """The first screen of a new installation: «Planes» with its hint, the assistant's first page over it.
    The plan view (and `Qt`) come with the first plan, the territory picker with its page."""
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6 import QtCore, QtWidgets\n"
        "app = QtWidgets.QApplication([])\n"
        "from rcdesk.db.database import Database\n"
        "from ui.app import create_window\n"
        "from ui.first_start import run_first_start\n"
        f"w = create_window(Database.open({str(db.paths.database)!r}))\n"
        "w.show(); wizard = run_first_start(w); app.processEvents()\n"
        "page = w.stack.currentWidget()\n"
        "assert page.objectName() == 'page_plans' and page.stack.currentWidget() is page.empty_hint\n"
        "assert wizard.isVisible() and wizard.currentPage() is wizard.role_page\n"
        "built = [n for n, mod in (('Qt', QtCore), ('QStyle', QtWidgets)) if n in vars(mod)]\n"
        "assert not built, f'the first screen built the enums of {built}'\n"
        "wizard.next(); wizard.identity.entity.setText('GAD Municipal de Guamote'); wizard.next()\n"
        "assert wizard.territories.tree is not None\n"
        "assert page.table.model() is page.proxy and page.stack.count() == 2  # the plan view, when asked for\n"
        "assert page.stack.currentWidget() is page.empty_hint\n"
        "wizard.reject(); w.ctx.runner.wait(); w.close()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_every_section_icon_ships_as_a_png():
    from ui.shipped import ICONS

    missing = sorted(
        {icon for _m, _k, _t, _o, icon, _tip in PAGE_INDEX if icon and not (ICONS / f"{icon}.png").exists()}
    )
    assert not missing, f"add resources/icons/<name>.png for {missing} (a QStyle icon costs start-up time)"


def test_while_the_figures_are_computed_the_home_page_does_not_say_there_is_no_plan(qtbot, ui_ctx):
    from rcdesk.demo import plans as demo_plans
    from rcdesk.jobs import no_progress
    from ui.pages.dashboard import DashboardPage

    demo_plans.load(ui_ctx.db, no_progress)
    from rcdesk.services.plan_reads import list_plans

    ui_ctx.select_plan(list_plans(ui_ctx.db)[0].plan_id)
    pending = []

    class LaterRunner:  # a job still running on the worker thread
        def run(self, fn, *, title, parent=None, on_done=None, **_kw):
            pending.append((fn, on_done))

    ui_ctx.runner = LaterRunner()
    page = DashboardPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    assert pending and not page.empty.isVisible()
    fn, on_done = pending.pop()
    on_done(fn(no_progress, None))
    assert page.data is not None and page.tree.topLevelItemCount() > 0 and not page.empty.isVisible()
    ui_ctx.select_plan(None)
    assert page.empty.isVisible() and not page.content.isVisible()


def test_the_home_page_lists_the_first_overdue_activities_with_the_figures_and_the_rest_after(
    qtbot, ui_ctx, monkeypatch
):
    """A plan far behind schedule: the figures (and a first screenful) come at once, every overdue
    activity is listed shortly after, in plan order, without a second pass replacing the first."""
    from rcdesk.demo import plans as demo_plans
    from rcdesk.followup.reads import dashboard
    from rcdesk.jobs import no_progress
    from rcdesk.services.plan_reads import list_plans
    from ui.pages.dashboard import ActivityRole, DashboardPage

    demo_plans.load(ui_ctx.db, no_progress)
    plan_id = max(list_plans(ui_ctx.db), key=lambda p: len(dashboard(ui_ctx.db, p.plan_id).overdue)).plan_id
    d = dashboard(ui_ctx.db, plan_id, with_reports=False)
    assert len(d.overdue) > 10
    monkeypatch.setattr(DashboardPage, "FIRST_ROWS", 4)
    monkeypatch.setattr(DashboardPage, "SLICE_ROWS", 3)

    class NoJobs:  # the figures are handed in below, as the worker's callback does
        def run(self, *_a, **_kw):
            pass

    ui_ctx.runner = NoJobs()
    page = DashboardPage(ui_ctx)
    qtbot.addWidget(page)
    page.show_data(d)
    assert page.overdue.count() == 4
    assert f"({len(d.overdue)})" in page.overdue_label.text()  # the count is the whole count at once
    qtbot.waitUntil(lambda: page.overdue.count() == len(d.overdue), timeout=5000)
    listed = [page.overdue.item(i).data(ActivityRole) for i in range(page.overdue.count())]
    assert listed == [a.activity_id for a in d.overdue]

    page.show_data(d)  # newer figures while slices are pending: one list, never two interleaved
    page.show_data(d)
    qtbot.waitUntil(lambda: page.overdue.count() >= len(d.overdue), timeout=5000)
    qtbot.wait(100)  # any slice of an older fill still pending would land now
    listed = [page.overdue.item(i).data(ActivityRole) for i in range(page.overdue.count())]
    assert listed == [a.activity_id for a in d.overdue]


def test_figures_computed_ahead_at_start_are_used_once_and_never_after_a_change(ui_ctx):
    import rcdesk.followup.reads as reads
    from rcdesk.demo import plans as demo_plans
    from rcdesk.jobs import no_progress
    from rcdesk.services.plan_reads import list_plans

    demo_plans.load(ui_ctx.db, no_progress)
    first, other = (p.plan_id for p in list_plans(ui_ctx.db)[:2])
    reads.prefetch_home(ui_ctx.db, first)
    ahead = reads._ahead["home"][2].result(timeout=10)
    assert reads.dashboard(ui_ctx.db, first, with_reports=False) is ahead  # the home page's first call
    assert reads.dashboard(ui_ctx.db, first, with_reports=False) is not ahead  # computed again after

    reads.prefetch_home(ui_ctx.db, first)
    reads._ahead["home"][2].result(timeout=10)
    reads.dashboard(ui_ctx.db, other, with_reports=False)  # another plan was opened first
    assert "home" not in reads._ahead  # dropped: a later visit to `first` computes fresh figures


def test_a_plain_database_starts_without_loading_cryptography(demo_db_path):
    """Every start asks whether the file is encrypted; for a plain one that reads its header, not
    the ~10 ms `cryptography` package (issue 14: start-up within 1.5x a bare window)."""
    code = (
        "import sys\n"
        "from rcdesk.db.database import Database\n"
        "from rcdesk.paths import AppPaths\n"
        "from ui.security import unlock_at_start\n"
        f"paths = AppPaths.for_target({str(demo_db_path)!r})\n"
        "assert unlock_at_start(paths, lambda: None)\n"
        "Database.open(paths=paths).close()\n"
        "assert 'cryptography' not in sys.modules, 'a plain database loaded cryptography at start'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_figures_held_for_the_first_paint_are_computed_only_when_started_and_the_home_page_waits(ui_ctx):
    """At start the window is painted before the home page's figures are computed; the page's job,
    asking for them meanwhile, gets them once they are (ui/app.py after_first_paint)."""
    import threading

    import rcdesk.followup.reads as reads
    from rcdesk.demo import plans as demo_plans
    from rcdesk.jobs import no_progress
    from rcdesk.services.plan_reads import list_plans

    demo_plans.load(ui_ctx.db, no_progress)
    first = list_plans(ui_ctx.db)[0].plan_id
    start = reads.prefetch_home(ui_ctx.db, first, later=True)
    ahead = reads._ahead["home"][2]
    got: list = []
    job = threading.Thread(target=lambda: got.append(reads.dashboard(ui_ctx.db, first, with_reports=False)))
    job.start()
    job.join(0.3)
    assert job.is_alive() and not got and not ahead.done()  # nothing computed before the start
    start()
    start()  # a second call (the close after the paint) computes nothing again
    job.join(20)
    assert got and got[0] is ahead.result()


def test_waiting_for_the_jobs_before_the_first_paint_starts_the_figures_instead_of_hanging(demo_db_path, tmp_path):
    """The home page's job waits for figures that start after the window's first paint; the GUI
    thread waiting for the jobs before that paint (a restore, a switch of server, the frozen
    smoke test) must release them, not wait forever (the frozen smoke test hung on this)."""
    code = (
        "import sys\n"
        "from PySide6.QtCore import QEvent, QObject, QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "import ui.app\n"
        "create, seen = ui.app.create_window, {'painted': False}\n"
        "class Paint(QObject):\n"
        "    def eventFilter(self, obj, event):\n"
        "        if event.type() == QEvent.Type.Paint:\n"
        "            seen['painted'] = True\n"
        "        return False\n"
        "def during(window):\n"
        "    seen['painted_before'] = seen['painted']\n"
        "    window.ctx.runner.wait()\n"
        "    seen['figures'] = window._built['dashboard'].data is not None or None\n"
        "    QApplication.quit()\n"
        "def create_window(db, settings=None):\n"
        "    window = create(db, settings)\n"
        "    seen['filter'] = Paint()\n"
        "    window.installEventFilter(seen['filter'])\n"
        "    QTimer.singleShot(0, lambda: during(window))\n"
        "    return window\n"
        "ui.app.create_window = create_window\n"
        f"code = ui.app.run(['rcdesk-gui', '--db', {str(demo_db_path)!r}])\n"
        "print('RESULT', code, seen['painted_before'], 'figures' in seen, flush=True)\n"
    )
    env = dict(__import__("os").environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    except subprocess.TimeoutExpired:
        raise AssertionError("the GUI thread waited for the home page's job forever") from None
    assert proc.returncode == 0, proc.stderr[-2000:]
    # the wait came before the window's first paint (the case that hung), and then returned
    assert "RESULT 0 False True" in proc.stdout, proc.stdout + proc.stderr[-2000:]
