"""Content of the informe de seguimiento (domain.md §7.5), independent of the output format.

`build_seguimiento()` computes the plan at a cut date with `FollowupService.dashboard()` and
arranges it the way Control Interno publishes it: one table per component, a summary by
component, alerts, recommendations and the signature block. The PDF and XLSX writers
(`rcdesk/reports/seguimiento_*.py`) only lay this out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rcdesk.compliance import COLOR_LABELS, Compliance, Light, format_pct
from rcdesk.followup.periods import PERIOD_NAMES, date_text, period_label, period_of, period_range, span_text
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress

COLUMNS = (
    "Subcomponente / proceso",
    "Actividades programadas",
    "Actividades realizadas",
    "Meta / producto",
    "Responsable",
    "Fecha programada",
    "% de avance",
    "Semáforo",
    "Observaciones",
)


@dataclass(frozen=True)
class InformeRow:
    subcomponent: str
    number: str
    activity: str
    done: str
    meta: str
    responsible: str
    scheduled: str
    pct: Decimal | None
    pct_text: str
    light: Light
    observations: str

    def cells(self) -> list[str]:
        act = f"{self.number} {self.activity}".strip() if self.number else self.activity
        return [
            self.subcomponent,
            act,
            self.done,
            self.meta,
            self.responsible,
            self.scheduled,
            self.pct_text,
            COLOR_LABELS.get(self.light.color, self.light.color),
            self.observations,
        ]


@dataclass(frozen=True)
class ComponentBlock:
    label: str
    rows: tuple[InformeRow, ...]
    compliance: Compliance
    light: Light
    colors: dict = field(hash=False, compare=False, default_factory=dict)


@dataclass(frozen=True)
class Seguimiento:
    entity: str
    country: str
    year: int
    plan_title: str
    cut: date
    cut_no: int
    period_label: str
    period_span: str
    publish_by: date | None
    published_on: date
    profile_name: str
    subgroups: tuple[tuple[str, Compliance, Light], ...]  # second level (subcomponentes), for the chart
    profile_bands: tuple[tuple[str, str], ...]  # (colour, label)
    components: tuple[ComponentBlock, ...]
    plan: Compliance
    plan_light: Light
    colors: dict
    alerts: tuple[str, ...]
    recommendations: tuple[str, ...]
    signer_name: str
    signer_role: str
    intro: str
    objective: str
    scope: str
    method: str

    @property
    def title(self) -> str:
        return "Informe de seguimiento"

    @property
    def activity_count(self) -> int:
        return sum(len(c.rows) for c in self.components)

    @property
    def columns(self) -> tuple[str, ...]:
        """Table headings; Control Interno's (Colombian) format names its own observations column."""
        if self.country == "CO":
            return COLUMNS[:-1] + ("Observaciones OCI",)
        return COLUMNS

    @property
    def late(self) -> bool:
        """Published after the deadline of its cut."""
        return self.publish_by is not None and self.published_on > self.publish_by

    @property
    def late_warning(self) -> str:
        if self.publish_by is None or not self.late:
            return ""
        return _late_text(self.published_on, self.publish_by)


def build_seguimiento(
    db,
    plan_id: str,
    cut: date,
    *,
    published_on: date | None = None,
    signer_name: str = "",
    signer_role: str = "",
    today: date | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Seguimiento:
    from rcdesk.services.followup import FollowupService
    from rcdesk.services.plans import PlanService

    progress(0, 3, "Calculando el cumplimiento…")
    fu = FollowupService(db)
    summary = PlanService(db).summary(plan_id)
    today = today or date.today()
    if not date(summary.year, 1, 1) <= cut <= date(summary.year, 12, 31):
        from rcdesk.errors import UserError

        raise UserError(f"La fecha de corte {cut:%d/%m/%Y} está fuera de la vigencia {summary.year} del plan.")
    # the informe describes the plan AT the cut: overdue and days left are measured at the cut date
    d = fu.dashboard(plan_id, cut=cut, today=cut)
    cancel.check()
    progress(1, 3, "Ordenando por componente…")
    kind = d.period_kind
    cut_no = period_of(kind, cut)
    p_start, _ = period_range(kind, summary.year, cut_no)
    cuts = {c.no: c for c in fu.cuts(plan_id, today=today)}
    publish_by = cuts[cut_no].publish_by if cut_no in cuts else None

    groups = {g.group_id: g for g in d.groups}
    top_of: dict[str, str] = {}
    for g in d.groups:
        top_of[g.group_id] = g.group_id if g.depth == 0 or g.parent_id is None else top_of.get(g.parent_id, g.group_id)
    blocks: dict[str, list[InformeRow]] = {g.group_id: [] for g in d.groups if g.depth == 0}
    for a in d.activities:
        gid = a.group_id or ""
        top = top_of.get(gid, "")
        sub = groups[gid].label if gid in groups and gid != top else ""
        rep = a.last_report
        obs = list(a.flags)
        if rep is not None and rep.review_note:
            obs.insert(0, rep.review_note)
        blocks.setdefault(top, []).append(
            InformeRow(
                sub,
                a.number,
                a.description,
                rep.done_text if rep else "",
                a.meta,
                a.responsible,
                a.scheduled,
                a.pct,
                format_pct(a.compliance, none="N/A"),
                a.light,
                "; ".join(obs),
            )
        )
    comps = []
    for g in d.groups:
        if g.depth == 0 and blocks.get(g.group_id):
            comps.append(ComponentBlock(g.label, tuple(blocks[g.group_id]), g.compliance, g.light, dict(g.colors)))
    cancel.check()
    progress(2, 3, "Redactando alertas…")
    alerts = _alerts(d)
    published_on = published_on or today
    if publish_by is not None and published_on > publish_by:
        alerts = [_late_text(published_on, publish_by)] + [a for a in alerts if a != _NO_ALERTS]
    recs = _recommendations(d, publish_by)
    is_co = d.country == "CO"
    intro = (
        "En cumplimiento del artículo 73 de la Ley 1474 de 2011 y del Decreto 124 de 2016, la Oficina de "
        "Control Interno realiza el seguimiento cuatrimestral a las actividades del plan."
        if is_co
        else "En cumplimiento de la normativa de participación ciudadana y rendición de cuentas, se presenta el "
        "seguimiento a la ejecución de las actividades programadas del plan."
    )
    progress(3, 3, "Listo")
    return Seguimiento(
        entity=d.entity,
        country=d.country,
        year=summary.year,
        plan_title=summary.title,
        cut=cut,
        cut_no=cut_no,
        period_label=f"{PERIOD_NAMES[kind]} {cut_no}",
        period_span=span_text(p_start, cut),
        publish_by=publish_by,
        published_on=published_on,
        profile_name=d.profile.name,
        subgroups=tuple((g.label, g.compliance, g.light) for g in d.groups if g.depth == 1 and g.activities),
        profile_bands=tuple((b.color, b.label) for b in d.profile.bands)
        + (("azul", d.profile.blue_label), ("gris", d.profile.grey_label)),
        components=tuple(comps),
        plan=d.plan,
        plan_light=d.plan_light,
        colors=dict(d.colors),
        alerts=tuple(alerts),
        recommendations=tuple(recs),
        signer_name=signer_name,
        signer_role=signer_role
        or ("Jefe(a) de la Oficina de Control Interno" if is_co else "Responsable de planificación y seguimiento"),
        intro=intro,
        objective=f"Verificar el cumplimiento de las actividades programadas con corte al {cut:%d/%m/%Y} "
        f"({period_label(kind, summary.year, cut_no)}).",
        scope=f"Todas las actividades del plan «{summary.title or summary.entity}» vigencia {summary.year} "
        f"({d.activities.__len__()} actividades en {len(comps)} componentes).",
        method="Se solicitó a los líderes de proceso el reporte de avance con sus medios de verificación; "
        "solo se consideran los reportes validados. Actividades aún no programadas al corte se "
        "muestran en gris y no entran en los promedios; el avance por componente es el promedio "
        "simple de sus actividades (máximo 100 % por actividad).",
    )


def shorten(text: str, n: int) -> str:
    """Cut at a word boundary with an ellipsis."""
    t = " ".join(str(text or "").split())
    if len(t) <= n:
        return t
    cut = t[: n - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


_NO_ALERTS = "No se encontraron alertas a la fecha de corte."


def _late_text(published_on: date, publish_by: date) -> str:
    return (
        f"Publicación fuera de plazo: la fecha de publicación ({date_text(published_on)}) es "
        f"{(published_on - publish_by).days} día(s) posterior al plazo ({date_text(publish_by)})."
    )


def _alerts(d) -> list[str]:
    out = []
    reds = [a for a in d.activities if a.light.color == "rojo"]
    if reds:
        out.append(f"{len(reds)} actividad(es) en rojo (avance bajo):")
        out += [
            f"   {a.number} {shorten(a.description, 110)} — {format_pct(a.compliance)} ({shorten(a.responsible, 60)})"
            for a in reds[:40]
        ]
        if len(reds) > 40:
            out.append(f"   … y {len(reds) - 40} más (ver tablas por componente).")
    if d.overdue:
        out.append(f"{len(d.overdue)} actividad(es) vencida(s) sin cumplimiento total:")
        out += [f"   {a.number} {shorten(a.description, 110)} — venció el {date_text(a.due)}" for a in d.overdue[:40]]
        if len(d.overdue) > 40:
            out.append(f"   … y {len(d.overdue) - 40} más.")
    over = [a for a in d.activities if a.compliance.over]
    if over:
        out.append(f"{len(over)} actividad(es) con avance mayor al 100 % (revisar la programación).")
    no_ev = [a for a in d.activities if "Sin medio de verificación" in a.flags]
    if no_ev:
        out.append(f"{len(no_ev)} actividad(es) validada(s) sin medio de verificación adjunto.")
    if d.pending_review:
        out.append(f"{d.pending_review} reporte(s) pendiente(s) de validación.")
    return out or [_NO_ALERTS]


def _recommendations(d, publish_by: date | None) -> list[str]:
    recs = []
    if any(a.light.color == "rojo" for a in d.activities):
        recs.append(
            "Formular acciones de mejora para las actividades en rojo y reprogramarlas si es necesario, "
            "dejando constancia de la justificación."
        )
    if d.overdue:
        recs.append("Priorizar las actividades vencidas y reportar su avance antes del próximo corte.")
    if any("Sin medio de verificación" in a.flags for a in d.activities):
        recs.append(
            "Adjuntar los medios de verificación (documentos o enlaces publicados) de las actividades reportadas."
        )
    if d.pending_review:
        recs.append("Revisar y validar los reportes de avance pendientes.")
    recs.append(
        "Publicar este informe en la sección de transparencia del sitio web de la entidad"
        + (f" a más tardar el {date_text(publish_by)}." if publish_by else ".")
    )
    return recs


__all__ = ["COLUMNS", "ComponentBlock", "InformeRow", "Seguimiento", "build_seguimiento"]
