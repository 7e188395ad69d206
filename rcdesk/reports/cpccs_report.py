"""`report cpccs`: the whole CPCCS report of a year, as a workbook (.xlsx, one sheet per section
after «Estado del informe») or as the PDF «borrador del informe» for internal approval, chosen by
the file's extension. Files are written next to the target and moved over it when complete.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress

FORMATS = (".xlsx", ".pdf")


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Run `write(tmp)` and move the finished temporary file over `path`."""
    path = Path(path)
    if not path.parent.exists():
        raise UserError(f"La carpeta «{path.parent}» no existe.")
    tmp = path.with_name(path.name + ".tmp")
    try:
        write(tmp)
        tmp.replace(path)
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"No se puede escribir «{path.name}»: el archivo está abierto en otro programa. "
                        "Ciérrelo e intente de nuevo.") from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"No se puede escribir «{path}»: {exc.strerror or exc}.") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def export_report(db, year: int, out: str | Path, *, cut: date | None = None,  # noqa: ANN001
                  institution_id: str | None = None, budget_type: str = "META", progress: ProgressFn = no_progress,
                  cancel: CancelToken = NEVER_CANCELLED) -> dict:
    from rcdesk.services.cpccs import CpccsService

    out = Path(out)
    ext = out.suffix.lower()
    if ext not in FORMATS:
        raise UserError(f"«{out.name}»: el informe CPCCS se escribe como .xlsx (libro) o .pdf (borrador); "
                        f"la extensión «{out.suffix or '(ninguna)'}» no es ninguna de ellas.")
    progress(0, 2, "Calculando las secciones del informe…")
    report = CpccsService(db).report(int(year), institution_id=institution_id, cut=cut, budget_type=budget_type)
    cancel.check()
    progress(1, 2, "Escribiendo el archivo…")
    if ext == ".xlsx":
        from rcdesk.reports.cpccs_report_xlsx import write_workbook

        write_atomically(out, lambda tmp: write_workbook(tmp, report))
    else:
        from rcdesk.reports.cpccs_report_pdf import write_pdf

        write_atomically(out, lambda tmp: write_pdf(tmp, report))
    progress(2, 2, "Listo")
    counts = {k: sum(1 for s in report.sections if s.state == k) for k in ("completa", "incompleta", "no_aplica")}
    from rcdesk.reports.cpccs_xlsx import BUDGET_TYPES

    return {"out": str(out), "year": int(year), "institution": report.institution.name, "metas": report.metas,
            "budget_type": BUDGET_TYPES[report.budget_type],
            "sections": [{"section": s.key, "title": s.title, "state": s.state, "missing": s.missing}
                         for s in report.sections], **counts}
