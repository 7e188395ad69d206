"""The application's sections.

Each module here defines `PAGES = [PageSpec(...)]`. Importing all of them at start-up
costs more than a bare Qt window, so the main window reads this index instead and
imports a page's module the first time the page is shown. `tests/ui/test_page_index.py`
fails when the index and the modules disagree: add a row here for every new page.
"""

from __future__ import annotations

# (module, key, title, order, icon, tooltip)
PAGE_INDEX: tuple[tuple[str, str, str, int, str, str], ...] = (
    (
        "dashboard",
        "dashboard",
        "Tablero",
        5,
        "SP_ComputerIcon",
        "Cumplimiento, semáforos, vencimientos y próximo corte del plan actual",
    ),
    (
        "plans",
        "plans",
        "Planes",
        10,
        "SP_FileDialogDetailedView",
        "Planes de rendición de cuentas: actividades, cronograma, importar y exportar",
    ),
    (
        "followup",
        "followup",
        "Seguimiento",
        30,
        "SP_DialogApplyButton",
        "Reportar avances con evidencias, validar, pendientes, calendario e informe de seguimiento",
    ),
    (
        "poa",
        "poa",
        "POA",
        40,
        "SP_FileDialogContentsView",
        "Seguimiento del POA por unidad: metas, ejecución por periodo y presupuesto",
    ),
    (
        "cantons",
        "poa_cantons",
        "Cantones",
        41,
        "SP_DirHomeIcon",
        "Cumplimiento del POA por cantón y unidad, con semáforo",
    ),
    (
        "visits",
        "poa_visits",
        "Visitas",
        42,
        "SP_DriveNetIcon",
        "Visitas de seguimiento a los cantones y compromisos acordados",
    ),
    (
        "visits",
        "poa_oficios",
        "Oficios",
        43,
        "SP_FileDialogListView",
        "Oficios de solicitud de información (Quipux) y vencimientos",
    ),
    (
        "events",
        "events",
        "Eventos y participación",
        50,
        "SP_FileDialogContentsView",
        "Deliberaciones, audiencias, asistencia, preguntas y actas",
    ),
    (
        "commitments",
        "commitments",
        "Compromisos",
        55,
        "SP_DialogApplyButton",
        "Compromisos con la ciudadanía y su seguimiento",
    ),
    ("events", "people", "Directorio de personas", 58, "SP_DirHomeIcon", "Personas que asistieron a eventos"),
    (
        "cpccs",
        "cpccs",
        "Informe CPCCS",
        60,
        "SP_FileDialogInfoView",
        "Informe de rendición de cuentas del CPCCS: estado de cada sección, formularios y exportación",
    ),
    ("sync", "sync", "Sincronización", 70, "SP_BrowserReload", "Paquetes entre el campo y la sede central"),
    (
        "reference",
        "reference",
        "Entidad y territorio",
        80,
        "SP_DirHomeIcon",
        "Perfil de la entidad, dependencias y territorios",
    ),
)
