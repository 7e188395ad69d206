"""What the frozen build takes and leaves out, shared by `rcdesk.spec` and bench/bench_frozen_startup.py.

Kept apart from the spec so the bare window of the start-up bench is frozen with exactly the
same Qt exclusions as rcdesk itself.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Qt modules ui/ never imports (it uses QtCore, QtGui, QtWidgets, QtCharts, QtPdf and QtPrintSupport).
# PyInstaller's Qt hooks follow the Python imports, but plugins drag in QML/Quick (the virtual
# keyboard input context, for one) and those alone are ~100 MB.
QT_EXCLUDES = [
    f"PySide6.{name}"
    for name in (
        "Qt3DAnimation",
        "Qt3DCore",
        "Qt3DExtras",
        "Qt3DInput",
        "Qt3DLogic",
        "Qt3DRender",
        "QtAsyncio",
        "QtBluetooth",
        "QtCanvasPainter",
        "QtConcurrent",
        "QtDataVisualization",
        "QtDesigner",
        "QtGraphs",
        "QtGraphsWidgets",
        "QtHelp",
        "QtHttpServer",
        "QtLocation",
        "QtMultimedia",
        "QtMultimediaWidgets",
        "QtNetworkAuth",
        "QtNfc",
        "QtOpenGL",
        "QtOpenGLWidgets",
        "QtPdfWidgets",
        "QtPositioning",
        "QtQml",
        "QtQuick",
        "QtQuick3D",
        "QtQuickControls2",
        "QtQuickTest",
        "QtQuickWidgets",
        "QtRemoteObjects",
        "QtScxml",
        "QtSensors",
        "QtSerialBus",
        "QtSerialPort",
        "QtSpatialAudio",
        "QtSql",
        "QtStateMachine",
        "QtSvg",
        "QtSvgWidgets",
        "QtTest",
        "QtTextToSpeech",
        "QtUiTools",
        "QtWebChannel",
        "QtWebEngineCore",
        "QtWebEngineQuick",
        "QtWebEngineWidgets",
        "QtWebSockets",
        "QtWebView",
        "QtXml",
    )
]
# Standard-library and developer packages nothing at run time needs.
OTHER_EXCLUDES = [
    "tkinter",
    "unittest",
    "pydoc_data",
    "lib2to3",
    "pytest",
    "_pytest",
    "pytestqt",
    "pdfminer",
    "IPython",
    "setuptools",
    "pip",
    # collected by their packages' hooks, imported by nothing rcdesk runs: lxml's objectify (2.8 MB; openpyxl
    # uses etree) and Pillow's AVIF codec (libavif, 4.8 MB; reportlab draws PNG/JPEG). They make room for
    # psycopg's libpq, which headquarters needs to reach a PostgreSQL server.
    "lxml.objectify",
    "PIL.AvifImagePlugin",
    "PIL._avif",
    # Mako's syntax-highlighting plugin (Alembic templates are never rendered at run time) drags all of Pygments
    # (1.8 MB compressed per executable), and SQLAlchemy's dialects other than SQLite and PostgreSQL are never
    # loaded; leaving them out makes room for SQLCipher's driver (encryption at rest, issue 16).
    "mako.ext.pygmentplugin",
    "pygments",
    "sqlalchemy.dialects.mysql",
    "sqlalchemy.dialects.oracle",
    "sqlalchemy.dialects.mssql",
    # Nothing rcdesk runs imports multiprocessing (concurrent.futures names its process pool lazily, so
    # PyInstaller's graph reaches it); bundled, its run-time hook imports it and its spawn machinery at
    # every start (~8 ms of a frozen start-up measured against a bare window, issue 14).
    "multiprocessing",
    "xmlrpc",
]

# Qt plugin folders the app needs; the others pull in QML, multimedia or network stacks.
# (Linux's platformthemes would bring GTK for native file dialogs; Qt's own dialogs serve.)
QT_PLUGIN_KEEP = {"platforms", "imageformats", "iconengines", "printsupport", "styles", "xcbglintegrations"}
# Within kept folders, plugins that would load excluded libraries (QtSvg, Wayland, QtPdf for images).
QT_PLUGIN_DROP_WORDS = (
    "wayland",
    "qsvg",
    "qpdf",
    "vnc",
    "eglfs",
    "linuxfb",
    "minimal",
    "qtuiotouch",
    "qtvirtualkeyboard",
    "xdgdesktopportal",
)


def keep_qt_entry(dest: str) -> bool:
    """False for a collected Qt plugin or QML file the app never loads (`dest` as in the TOC)."""
    parts = dest.replace("\\", "/").split("/")
    if "qml" in parts:
        return False
    if "plugins" in parts:
        i = parts.index("plugins")
        if i + 1 < len(parts) and parts[i + 1] not in QT_PLUGIN_KEEP:
            return False
        name = parts[-1].lower()
        if name == "libqoffscreen.so" or name == "qoffscreen.dll":
            return True  # headless start (the smoke test, CI); tiny
        if any(w in name for w in QT_PLUGIN_DROP_WORDS):
            return False
    if "translations" in parts:
        # Qt's own dialog texts: ui/app.py installs qtbase_es only
        return parts[-1] == "qtbase_es.qm"
    return True


def keep_data_entry(dest: str) -> bool:
    """False for a collected data file nothing rcdesk runs reads: Qt's unused plugins and translations, and
    python-stdnum's registries (MAC vendors, IMSI, ISBN ranges…: 1.7 MB) that the Ecuadorian and Colombian
    ID checks rcdesk uses (stdnum.ec.ci, stdnum.ec.ruc, stdnum.co.nit) never open."""
    parts = dest.replace("\\", "/").split("/")
    if parts[0] == "stdnum" and parts[-1].endswith(".dat"):
        return False
    return keep_qt_entry(dest)


def page_modules() -> list[str]:
    """`ui.pages.*` modules named in PAGE_INDEX (imported lazily by name at run time)."""
    tree = ast.parse((ROOT / "ui" / "pages" / "__init__.py").read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PAGE_INDEX":
            rows = ast.literal_eval(node.value)
            return sorted({f"ui.pages.{row[0]}" for row in rows})
    raise RuntimeError("PAGE_INDEX not found in ui/pages/__init__.py")


def migration_imports() -> list[str]:
    """Modules the Alembic scripts import: they are data files to the freezer, not code it reads."""
    names: set[str] = set()
    folder = ROOT / "rcdesk" / "db" / "migrations"
    for path in [folder / "env.py", *sorted((folder / "versions").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                # `from alembic import op` names a module; `from x import func` does not
                names.update(f"{node.module}.{a.name}" for a in node.names if _is_module(f"{node.module}.{a.name}"))
    return sorted(names)


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def holiday_files() -> tuple[list[str], list[tuple[str, str]]]:
    """The `holidays` countries rcdesk serves (loaded by name) and their translations."""
    import holidays

    base = Path(holidays.__file__).parent
    modules = ["holidays.countries.ecuador", "holidays.countries.colombia"]
    datas = [
        (str(mo), str(mo.parent.relative_to(base.parent)))
        for code in ("EC", "CO")
        for mo in sorted(base.glob(f"locale/*/LC_MESSAGES/{code}.mo"))
    ]
    return modules, datas


def app_datas() -> list[tuple[str, str]]:
    """Files read from disk at run time: migrations, seeds and territories, icons and the guide."""
    out = []
    for folder in ("rcdesk/db/migrations", "rcdesk/data", "resources"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                out.append((str(path), str(path.parent.relative_to(ROOT))))
    return out


_QT_LIB = re.compile(r"^(lib)?Qt6[A-Za-z]+(\.so\.6|\.dll|\.dylib)$")
# Debian's own library folders: like Windows' system DLLs, which PyInstaller never bundles, these
# come with the operating system (.ci/run installs the ones Qt needs).
_OS_LIB_DIRS = ("/lib/", "/usr/lib/")


def without_os_libraries(binaries: list) -> list:
    """Leave the Linux distribution's shared libraries to the system (no-op elsewhere)."""
    return [entry for entry in binaries if not str(entry[1]).startswith(_OS_LIB_DIRS)]


def prune_unreached(binaries: list) -> list:
    """Drop Qt libraries nothing kept links to.

    Trimming plugins leaves behind the libraries only they needed (the virtual keyboard
    plugin alone brings Qml and Quick). Everything but Qt's own libraries is a root; a Qt
    library is kept when a root reaches it through the dynamic linker's needed entries.
    """
    from PyInstaller.depend import bindepend

    def candidate(dest: str) -> bool:
        return bool(_QT_LIB.match(Path(dest).name))

    by_name = {Path(dest).name: src for dest, src, _kind in binaries}
    reached: set[str] = set()
    todo = [Path(dest).name for dest, _src, _kind in binaries if not candidate(dest)]
    while todo:
        name = todo.pop()
        if name in reached or name not in by_name:
            continue
        reached.add(name)
        try:
            needed = bindepend.get_imports(by_name[name])
        except Exception:
            needed = []
        todo.extend(Path(entry[0] if isinstance(entry, tuple) else entry).name for entry in needed)
    return [entry for entry in binaries if not candidate(entry[0]) or Path(entry[0]).name in reached]


def without_dangling_links(toc: list, *tocs: list) -> list:
    """Drop symbolic links (PyInstaller's top-level aliases) whose target was pruned above."""
    import os.path

    files = {os.path.normpath(e[0]) for t in (toc, *tocs) for e in t if e[2] != "SYMLINK"}
    return [e for e in toc if e[2] != "SYMLINK" or os.path.normpath(os.path.join(os.path.dirname(e[0]), e[1])) in files]


def first_party_modules(package: str) -> list[str]:
    """Every module of a first-party package, from its files (nothing is imported).

    Both programs carry all of rcdesk (and the windowed one all of ui): a module imported by
    name somewhere can then never be missing from one program only. About 1 MB.
    """
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        # Alembic runs the migration scripts as files (they ship as data, see app_datas)
        if "__pycache__" in parts or "migrations" in parts or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names
