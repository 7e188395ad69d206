"""Former home of `export_report`, now `rcdesk.services.cpccs_export` (data is read by services,
renderers only draw). Kept so that ui/pages/cpccs.py, edited elsewhere, keeps importing it."""
from __future__ import annotations


def __getattr__(name: str):  # noqa: ANN202
    if name in ("export_report", "FORMATS"):
        from rcdesk.services import cpccs_export

        return getattr(cpccs_export, name)
    raise AttributeError(name)
