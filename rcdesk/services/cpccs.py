"""The whole CPCCS accountability report of one institution for one fiscal year, as plain data.

Each section of the form (`rcdesk.services.cpccs_schema.SECTIONS`) comes out as a
`SectionView`: what rcdesk computes from its own records (units and territories, POA
alignment and execution, events and their anonymous tallies, commitments and their
evidence) completed by what the user typed in the `cpccs_form` answers, with its state
(completa / incompleta with what is missing / no aplica).

Which events belong to the report of year Y: those whose «periodo que se rinde» names Y, and,
when it is left empty, those held in Y + 1 (accountability of a year happens the next year).
The aportes «del año anterior» are those of the events that belong to the report of Y − 1.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from rcdesk.compliance import aggregate, cpccs_band
from rcdesk.db.database import Database
from rcdesk.errors import UserError
from rcdesk.services import cpccs_schema as schema
from rcdesk.services.cpccs_schema import NO_APLICA, SectionView
from rcdesk.text import fold

_ID_NAMESPACE = uuid.UUID("6f1c2a8e-3b5d-4f0a-9c7e-2d8b1e4a6c50")

# event types counted as each «mecanismo de participación ciudadana»; the deliberation has its own
# section and team meetings are no mechanism
MECHANISM_EVENTS = {
    "AUDIENCIA_PUBLICA": "audiencia_publica",
    "DIALOGO": "dialogos",
    "MESA_TEMATICA": "dialogos",
    "ASAMBLEA": "otros",
    "FERIA": "otros",
    "VIRTUAL": "otros",
}
# the institution's own offices are not «unidades de atención»
INTERNAL_UNIT_TYPES = {"DESPACHO", "DIRECCION", "SECRETARIA", "OFICINA", "UNIDAD", "OFICINA_CONTROL_INTERNO", "EQUIPO"}
COVERAGE_LEVELS = {
    "PROVINCIA": "PROVINCIA",
    "CANTON": "CANTÓN",
    "PARROQUIA_URBANA": "PARROQUIA",
    "PARROQUIA_RURAL": "PARROQUIA",
    "DEPARTAMENTO": "PROVINCIA",
    "MUNICIPIO": "CANTÓN",
    "CENTRO_POBLADO": "COMUNIDAD O RECINTO",
}
LEVEL_ORDER = (
    "NACIONAL",
    "ZONA",
    "REGIÓN",
    "PROVINCIA",
    "DISTRITO",
    "CIRCUITO",
    "CANTÓN",
    "PARROQUIA",
    "COMUNIDAD O RECINTO",
)
GENDER_HEADERS = ("MASCULINO", "FEMENINO", "GLBTI")
PEOPLES_HEADERS = ("MONTUBIOS", "CHOLOS", "INDIGENAS", "MESTIZOS", "AFROECUATORIANOS")


@dataclass(frozen=True)
class Institution:
    institution_id: str
    name: str
    tax_id: str
    country: str


@dataclass
class CpccsReport:
    year: int
    institution: Institution
    cut: date
    generated: datetime
    sections: list[SectionView] = field(default_factory=list)
    metas: int = 0
    budget_type: str = "META"

    def section(self, key: str) -> SectionView:
        return next(s for s in self.sections if s.key == key)

    @property
    def complete(self) -> bool:
        return all(s.state != "incompleta" for s in self.sections)


@dataclass(frozen=True)
class BudgetLine:
    meta_id: str
    label: str
    unit: str
    partidas: str
    codificado: float
    devengado: float
    klass: str | None  # CORRIENTE | INVERSION | None
    origin: str  # formulario | partida | sin clasificar


def form_id(institution_id: str, year: int, section: str) -> str:
    """The same record id on every installation, so that two laptops filling one section sync as one."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"cpccs_form:{institution_id}:{int(year)}:{section}"))


def _pct(num: float, den: float) -> float:
    return 0.0 if not den else round(num * 100 / den, 2)


class CpccsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- which institution ---------------------------------------------------------------------
    def institution(self, year: int | None = None, institution_id: str | None = None) -> Institution:
        """The institution reporting: the one given, else the one with POAs of `year`, else the only one."""
        from rcdesk.models.poa import Poa
        from rcdesk.models.reference import Institution as Inst

        with self.db.session() as s:
            if institution_id:
                i = s.get(Inst, institution_id)
                if i is None or i.deleted:
                    raise UserError(f"No existe la institución «{institution_id}».")
            else:
                i = None
                if year is not None:
                    row = s.execute(
                        select(Poa.institution_id, func.count())
                        .where(Poa.fiscal_year == int(year), Poa.deleted.is_(False))
                        .group_by(Poa.institution_id)
                        .order_by(func.count().desc())
                    ).first()
                    if row:
                        i = s.get(Inst, row[0])
                if i is None:
                    insts = list(s.scalars(select(Inst).where(Inst.deleted.is_(False)).order_by(Inst.name)))
                    if not insts:
                        raise UserError("No hay ninguna institución registrada: cree la institución primero.")
                    i = insts[0]
            return Institution(i.id, i.name, i.tax_id or "", i.country or "EC")

    # -- forms ---------------------------------------------------------------------------------
    def form(self, year: int, section: str, institution_id: str | None = None) -> dict:
        from rcdesk.models.cpccs import CpccsForm

        schema.section(section)
        inst = self.institution(year, institution_id)
        with self.db.session() as s:
            row = s.get(CpccsForm, form_id(inst.institution_id, year, section))
            return dict(row.data or {}) if row is not None and not row.deleted else {}

    def forms(self, year: int, institution_id: str) -> dict[str, dict]:
        from rcdesk.models.cpccs import CpccsForm

        with self.db.session() as s:
            rows = s.scalars(
                select(CpccsForm).where(
                    CpccsForm.institution_id == institution_id,
                    CpccsForm.fiscal_year == int(year),
                    CpccsForm.deleted.is_(False),
                )
            )
            return {r.section: dict(r.data or {}) for r in rows}

    def save_form(self, year: int, section: str, data: object, institution_id: str | None = None) -> dict:
        """Replace the answers of `section` (validated first: nothing is written on bad input)."""
        sec = schema.section(section)
        _check_year(year)
        clean = schema.clean_data(sec, data)
        self.save_forms(year, {section: clean}, institution_id)
        return clean

    def save_forms(self, year: int, forms: dict[str, dict], institution_id: str | None = None) -> None:
        """Replace the answers of several sections in one transaction (all validated before any write)."""
        from rcdesk.models.cpccs import CpccsForm

        _check_year(year)
        clean = {key: schema.clean_data(schema.section(key), data) for key, data in forms.items()}
        inst = self.institution(year, institution_id)
        with self.db.begin() as s:
            for key, data in clean.items():
                rid = form_id(inst.institution_id, year, key)
                row = s.get(CpccsForm, rid)
                if row is None:
                    s.add(
                        CpccsForm(
                            id=rid, institution_id=inst.institution_id, fiscal_year=int(year), section=key, data=data
                        )
                    )
                else:
                    row.data = data
                    row.deleted = False

    def set_fields(
        self, year: int, section: str, pairs: list[tuple[str, str]], institution_id: str | None = None
    ) -> dict:
        """Apply CAMPO VALOR pairs to the stored answers of `section` (see `schema.merge_fields`)."""
        sec = schema.section(section)
        current = self.form(year, section, institution_id)
        return self.save_form(year, section, schema.merge_fields(sec, current, pairs), institution_id)

    # -- the report ----------------------------------------------------------------------------
    def report(
        self, year: int, *, institution_id: str | None = None, cut: date | None = None, budget_type: str = "META"
    ) -> CpccsReport:
        """Every section for `year`; `budget_type` is the one «tipo de ejecución» of the budget compliance
        section (META, PROGRAMA or AREA: the CPCCS admits one per report)."""
        from rcdesk.reports.cpccs_xlsx import BUDGET_TYPES

        _check_year(year)
        if budget_type not in BUDGET_TYPES:
            raise UserError(
                f"Tipo de ejecución presupuestaria «{budget_type}» desconocido "
                f"(use {', '.join(BUDGET_TYPES)}); el CPCCS admite un solo tipo por informe."
            )
        inst = self.institution(year, institution_id)
        forms = self.forms(year, inst.institution_id)
        cut = cut or date(int(year), 12, 31)
        ev = self._evaluation(year, cut)
        out = CpccsReport(int(year), inst, cut, datetime.now(), metas=len(ev.metas), budget_type=budget_type)
        builders = {
            "datos_generales": lambda f: self._general(inst, year, f),
            "cobertura": lambda f: self._coverage(inst, f),
            "articulacion": lambda f: self._alignment(year, f),
            "mecanismos_participacion": lambda f: self._mechanisms(inst, year, f),
            "fases": lambda f: self._phases(inst, year, f, forms.get("difusion", {})),
            "difusion": lambda f: self._dissemination(inst, year, f),
            "deliberacion": lambda f: self._deliberation(inst, year),
            "aportes": lambda f: self._contributions(inst, year, cut),
            "ejecucion_programatica": lambda f: self._programmatic(year, ev, f),
            "presupuesto": lambda f: self._budget(ev, f),
            "cumplimiento_presupuestario": lambda f: self._budget_compliance(year, ev, budget_type),
        }
        for sec in schema.SECTIONS:
            data = forms.get(sec.key, {})
            view = SectionView(sec.key, sec.title, sec.sheet, sec.source, "completa", form=data)
            if sec.key in builders:
                builders[sec.key](data).fill(view)
            else:
                _form_rows(sec, data, view)
                view.missing = schema.missing_in_form(sec, data)
            if sec.note:
                view.notes.append(sec.note)
            if data.get("no_aplica"):
                view.state, view.missing = "no_aplica", []
            else:
                view.state = "incompleta" if view.missing else "completa"
            out.sections.append(view)
        return out

    def budget_lines(self, year: int, cut: date | None = None) -> list[BudgetLine]:
        """POA budget lines (metas with codificado) with their corriente / inversión classification."""
        ev = self._evaluation(year, cut or date(int(year), 12, 31))
        inst = self.institution(year)
        form = self.forms(year, inst.institution_id).get("presupuesto", {})
        return self._lines(ev, form)

    # -- computed sections ---------------------------------------------------------------------
    def _evaluation(self, year: int, cut: date):
        from rcdesk.services.poa_eval import EvaluationService

        return EvaluationService(self.db).evaluate(int(year), cut)

    def _general(self, inst: Institution, year: int, form: dict) -> _Part:
        sec = schema.BY_KEY["datos_generales"]
        data = dict(form)
        data.setdefault("ruc", inst.tax_id or None)
        data.setdefault("fecha_inicio", f"01/01/{int(year)}")
        data.setdefault("fecha_fin", f"31/12/{int(year)}")
        facts: list[tuple[str, object]] = [("Nombre de la Institución:", inst.name)]
        facts += [(f.label, data.get(f.key) or "") for f in sec.fields]
        missing = schema.missing_in_form(sec, {k: v for k, v in data.items() if v})
        paths = {i: (f.key,) for i, f in enumerate(sec.fields, start=1)}
        return _Part(facts=facts, missing=missing, fact_paths=paths)

    def _coverage(self, inst: Institution, form: dict) -> _Part:
        from rcdesk.models.reference import Institution as Inst
        from rcdesk.models.reference import OrgUnit, Territory

        with self.db.session() as s:
            home = s.execute(
                select(Territory.level, Territory.name)
                .join(Inst, Inst.territory_id == Territory.id)
                .where(Inst.id == inst.institution_id)
            ).first()
            units = s.execute(
                select(OrgUnit.name, OrgUnit.unit_type, Territory.level, Territory.name)
                .outerjoin(Territory, Territory.id == OrgUnit.territory_id)
                .where(OrgUnit.institution_id == inst.institution_id, OrgUnit.deleted.is_(False))
            ).all()
        by_level: dict[str, list[str]] = {}
        nowhere: list[str] = []
        for name, utype, level, place in units:
            if utype in INTERNAL_UNIT_TYPES:
                continue
            if level is None and home is not None:
                level, place = home
            if level is None:
                nowhere.append(name)
                continue
            by_level.setdefault(COVERAGE_LEVELS.get(level, level), []).append(place)
        link = form.get("link") or ""
        rows: list[tuple] = []
        total = 0
        for level in sorted(by_level, key=lambda x: LEVEL_ORDER.index(x) if x in LEVEL_ORDER else 99):
            places = sorted(set(by_level[level]))
            total += len(by_level[level])
            rows.append((level, len(by_level[level]), ", ".join(places), *([None] * 9), link))
        missing = []
        if not rows:
            missing.append("no hay unidades de atención registradas con su territorio")
        if nowhere:
            missing.append(f"{len(nowhere)} unidad(es) sin territorio: {', '.join(sorted(nowhere)[:5])}")
        if not link:
            missing.append("falta «LINK AL MEDIO DE VERIFICACIÓN»")
        headers = (
            "NIVEL DE UNIDADES DE ATENCIÓN",
            "NO. DE UNIDADES DE ATENCIÓN",
            "COBERTURA",
            "N. USUARIOS",
            *GENDER_HEADERS,
            *PEOPLES_HEADERS,
            "LINK AL MEDIO DE VERIFICACIÓN",
        )
        return _Part(
            headers=headers,
            rows=rows,
            missing=missing,
            facts=[("Unidades de atención", total)],
            col_fields={len(headers) - 1: "link"},
            row_paths=[() for _r in rows],
        )

    def _alignment(self, year: int, form: dict) -> _Part:
        from rcdesk.models.poa import Poa, PoaObjective

        with self.db.session() as s:
            aligns = list(
                s.scalars(
                    select(PoaObjective.alignment)
                    .join(Poa, Poa.id == PoaObjective.poa_id)
                    .where(Poa.fiscal_year == int(year), Poa.deleted.is_(False), PoaObjective.deleted.is_(False))
                )
            )
        total = len(aligns)
        pnd = sum(1 for a in aligns if _mentions_pnd(a))
        pei = sum(1 for a in aligns if _mentions_pei(a))
        sec = schema.BY_KEY["articulacion"]
        rows, missing = [], []
        for (rk, label), n in zip(sec.rows, (pnd, pei)):
            answer = form.get(rk, {})
            yes = answer.get("aplica") or ("SI" if n else "NO")
            link = answer.get("link") or (NO_APLICA if yes == "NO" else "")
            rows.append((label, yes, link, f"{n} de {total}"))
            if yes == "SI" and not link:
                missing.append(f"{label}: falta «{schema.LINK_LABEL}»")
        if not total:
            missing.append(f"no hay objetivos de POA del año {year} para proponer la articulación")
        return _Part(
            headers=(sec.row_header, "PONGA SI O NO", schema.LINK_LABEL, "OBJETIVOS DEL POA ALINEADOS (referencia)"),
            rows=rows,
            missing=missing,
            col_fields={1: "aplica", 2: "link"},
            row_paths=[(rk,) for rk, _label in sec.rows],
        )

    def _mechanisms(self, inst: Institution, year: int, form: dict) -> _Part:
        from rcdesk.models.events import Event

        with self.db.session() as s:
            types = s.execute(
                select(Event.event_type, func.count())
                .where(
                    Event.deleted.is_(False),
                    Event.status != "CANCELADO",
                    Event.event_date >= date(int(year), 1, 1),
                    Event.event_date <= date(int(year), 12, 31),
                    (Event.institution_id == inst.institution_id) | Event.institution_id.is_(None),
                )
                .group_by(Event.event_type)
            ).all()
        counted: dict[str, int] = {}
        for t, n in types:
            key = MECHANISM_EVENTS.get(t)
            if key:
                counted[key] = counted.get(key, 0) + n
        sec = schema.BY_KEY["mecanismos_participacion"]
        rows, missing = [], []
        for rk, label in sec.rows:
            answer = form.get(rk, {})
            number = answer.get("numero", counted.get(rk, 0))
            yes = answer.get("aplica") or ("SI" if number else "NO")
            link = answer.get("link") or (NO_APLICA if yes == "NO" else "")
            rows.append((label, yes, number if yes == "SI" else 0, link, counted.get(rk, 0)))
            if yes == "SI" and not link:
                missing.append(f"{label}: falta el medio de verificación publicado")
        return _Part(
            headers=(
                sec.row_header,
                "PONGA SI O NO",
                sec.fields[1].label,
                sec.fields[2].label,
                "EVENTOS REGISTRADOS EN RCDESK (referencia)",
            ),
            rows=rows,
            missing=missing,
            col_fields={1: "aplica", 2: "numero", 3: "link"},
            row_paths=[(rk,) for rk, _label in sec.rows],
        )

    def _period_events(self, inst: Institution, year: int, types: tuple[str, ...] | None = None) -> list:
        from rcdesk.models.events import Event

        with self.db.session() as s:
            stmt = select(Event).where(
                Event.deleted.is_(False),
                Event.status != "CANCELADO",
                (Event.institution_id == inst.institution_id) | Event.institution_id.is_(None),
            )
            if types:
                stmt = stmt.where(Event.event_type.in_(types))
            events = list(s.scalars(stmt.order_by(Event.event_date, Event.title)))
            s.expunge_all()
        y = str(int(year))
        return [
            e
            for e in events
            if (e.period_label and re.search(rf"\b{y}\b", e.period_label))
            or (not (e.period_label or "").strip() and e.event_date.year == int(year) + 1)
        ]

    def _process_plan(self, inst: Institution, year: int, events: list) -> tuple[str, str] | None:
        """(id, title) of the accountability plan of period `year`: the one its deliberation is linked
        to, else a plan of phases whose title names the year, else one of year + 1, else of `year`."""
        from rcdesk.models.plans import Plan, PlanGroup

        linked = [e.plan_id for e in events if e.plan_id]
        with self.db.session() as s:
            plans = s.execute(
                select(Plan.id, Plan.title, Plan.year, Plan.layout)
                .where(
                    Plan.deleted.is_(False),
                    Plan.institution_id == inst.institution_id,
                    Plan.year.in_((int(year), int(year) + 1)) | Plan.id.in_(linked),
                )
                .order_by(Plan.created_at)
            ).all()
            phased = set(
                s.scalars(
                    select(PlanGroup.plan_id).where(
                        PlanGroup.plan_id.in_([p[0] for p in plans]),
                        PlanGroup.kind == "fase",
                        PlanGroup.deleted.is_(False),
                    )
                )
            )
        y = str(int(year))

        def rank(p) -> tuple:
            pid, title, pyear, layout = p
            return (
                pid not in linked,
                not (layout == "cpccs" or pid in phased),
                not re.search(rf"\b{y}\b", title or ""),
                pyear != int(year) + 1,
            )

        candidates = [p for p in plans if p[0] in linked or p[3] == "cpccs" or p[0] in phased]
        if not candidates:
            return None
        best = min(candidates, key=rank)
        return best[0], best[1] or "(plan sin título)"

    def _activity_links(self, activity_ids: list[str]) -> dict[str, str]:
        """activity -> the web link among the evidence of its latest report (superseded ones left out)."""
        from rcdesk.models.followup import Evidence, ProgressReport
        from rcdesk.services.followup import OWNER

        out: dict[str, str] = {}
        with self.db.session() as s:
            for aid, url in s.execute(
                select(ProgressReport.activity_id, Evidence.url)
                .join(Evidence, Evidence.owner_id == ProgressReport.id)
                .where(
                    ProgressReport.activity_id.in_(activity_ids),
                    ProgressReport.deleted.is_(False),
                    ProgressReport.status != "SUSTITUIDO",
                    Evidence.owner_type == OWNER,
                    Evidence.kind == "LINK",
                    Evidence.deleted.is_(False),
                )
                .order_by(ProgressReport.reported_on.desc(), ProgressReport.created_at.desc())
            ):
                if url:
                    out.setdefault(aid, url)
        return out

    def _phases(self, inst: Institution, year: int, form: dict, dissemination: dict) -> _Part:
        """«RENDICIÓN DE CUENTAS» (the process phases): each of the twelve steps proposed from the
        activities of the accountability plan that match it and from the period's deliberations."""
        from rcdesk.followup import reads
        from rcdesk.models.events import Contribution
        from rcdesk.plans.rows import GroupRow
        from rcdesk.services.plans import PlanService

        sec = schema.BY_KEY["fases"]
        events = self._period_events(inst, year, ("DELIBERACION_PUBLICA",))
        today = date.today()
        held = [e for e in events if e.status == "REALIZADO" or e.event_date <= today]
        with self.db.session() as s:
            aportes = list(
                s.scalars(
                    select(Contribution.text)
                    .where(Contribution.event_id.in_([e.id for e in events]), Contribution.deleted.is_(False))
                    .order_by(Contribution.event_id, Contribution.position, Contribution.created_at)
                )
            )
        plan = self._process_plan(inst, year, events)
        matched: dict[str, list] = {k: [] for k, _ in sec.rows}
        unmatched = 0
        if plan is not None:
            groups: dict[str, GroupRow] = {g.group_id: g for g in PlanService(self.db).groups(plan[0])}
            dash = reads.dashboard(self.db, plan[0])
            links = self._activity_links([a.activity_id for a in dash.activities])
            for a in dash.activities:
                phase, names = _phase_of(a.group_id, groups)
                key = _step_of(a.description, names, phase)
                if key is None:
                    unmatched += 1
                else:
                    matched[key].append(a)
        rows, missing = [], []
        for rk, label in sec.rows:
            answer = form.get(rk, {})
            acts = matched[rk]
            name = label.rstrip(":")
            done = [a for a in acts if a.done]
            yes, text, link = None, "", ""
            if acts:
                yes = "SI" if len(done) == len(acts) else None
                text = (
                    f"{len(done)} de {len(acts)} actividad(es) del plan cumplidas: "
                    + "; ".join(a.description.strip() + _when_done(a) for a in acts[:6])
                    + (" …" if len(acts) > 6 else "")
                )
                link = next((links[a.activity_id] for a in acts if a.activity_id in links), "")
            if rk == "evento" and held:
                yes = "SI"
                text = "; ".join(f"«{e.title}», {e.event_date.strftime('%d/%m/%Y')}" for e in held)
                link = link or next((e.stream_url for e in held if e.stream_url), "")
            elif rk == "planificacion" and not acts and events:
                yes = "SI"
                text = "Eventos planificados: " + "; ".join(
                    f"«{e.title}», {e.event_date.strftime('%d/%m/%Y')}" for e in events
                )
            elif rk == "plazo" and held:
                text = "Deliberación realizada el " + ", ".join(e.event_date.strftime("%d/%m/%Y") for e in held)
            elif rk == "aportes" and aportes and not acts:
                yes = "SI"
                text = f"{len(aportes)} aporte(s) ciudadano(s) registrados en la deliberación"
            elif (
                rk == "difusion"
                and not acts
                and any((v or {}).get("numero") for k, v in dissemination.items() if isinstance(v, dict))
            ):
                yes = "SI"
                text = "Ver la sección «Difusión y comunicación»."
            yes = answer.get("aplica") or yes
            if yes == "NO":
                text = answer.get("descripcion") or "S/N"
                link = answer.get("link") or NO_APLICA
            else:
                text = answer.get("descripcion") or text
                link = answer.get("link") or link
            rows.append((schema.PHASE_OF[rk], label, yes or "", text, link, f"{len(done)} de {len(acts)}"))
            if yes is None:
                if acts:
                    missing.append(f"{name}: {len(done)} de {len(acts)} actividades cumplidas; falta «PONGA SI O NO»")
                else:
                    missing.append(f"{name}: falta «PONGA SI O NO» (sin actividades del plan)")
            elif yes == "SI":
                lacks = [
                    x for x, v in (("DESCRIBA LA EJECUCIÓN DE LOS PASOS", text), (sec.fields[2].label, link)) if not v
                ]
                if lacks:
                    missing.append(f"{name}: falta {', '.join('«' + x + '»' for x in lacks)}")
        summary = form.get("aportes_recibidos") or "; ".join(a.strip() for a in aportes).upper()
        facts: list[tuple[str, object]] = [
            ("Plan de rendición de cuentas (referencia)", plan[1] if plan else "ninguno"),
            (sec.extra[0].label, summary),
        ]
        if not summary:
            missing.append(f"falta «{sec.extra[0].label.rstrip(':')}» (no hay aportes registrados en la deliberación)")
        notes = []
        if plan is None:
            notes.append(
                f"No hay un plan de rendición de cuentas con fases para el periodo {year}: cada paso se responde "
                "en el formulario."
            )
        elif unmatched:
            notes.append(f"{unmatched} actividad(es) del plan no corresponden a ningún paso del formulario.")
        headers = (
            "FASES",
            sec.row_header,
            "PONGA SI O NO",
            "DESCRIBA LA EJECUCIÓN DE LOS PASOS",
            "LINK AL MEDIO DE VERIFICACIÓN",
            "ACTIVIDADES CUMPLIDAS (referencia)",
        )
        return _Part(
            facts=facts,
            headers=headers,
            rows=rows,
            missing=missing,
            notes=notes,
            fact_paths={1: ("aportes_recibidos",)},
            col_fields={2: "aplica", 3: "descripcion", 4: "link"},
            row_paths=[(rk,) for rk, _label in sec.rows],
            key_col=1,
        )

    def _dissemination(self, inst: Institution, year: int, form: dict) -> _Part:
        """«DIFUSIÓN Y COMUNICACIÓN»: typed, except «Medios digitales», proposed from the live streams
        of the period's events (rcdesk has no dissemination event type)."""
        from urllib.parse import urlparse

        sec = schema.BY_KEY["difusion"]
        streams = [e.stream_url for e in self._period_events(inst, year) if (e.stream_url or "").strip()]
        hosts = sorted({urlparse(u).netloc.lower().removeprefix("www.") for u in streams} - {""})
        rows, missing = [], []
        answered = 0
        for rk, label in sec.rows:
            answer = dict(form.get(rk, {}))
            proposed = rk == "digitales" and hosts
            number = answer.get("numero")
            if number is None and proposed:
                number = len(hosts)
            link = answer.get("link") or (streams[0] if proposed else "")
            pcts = [answer.get(k) for k in ("pct_local", "pct_nacional", "pct_internacional")]
            if number == 0:
                pcts, link = [p if p is not None else 0 for p in pcts], answer.get("link") or NO_APLICA
            rows.append((label, number, *pcts, link, ", ".join(hosts) if rk == "digitales" else ""))
            if number is None:
                missing.append(f"{label}: falta «NO. DE MEDIOS» (0 si no se usó)")
                continue
            answered += 1
            lacks = [f.label for f, v in zip(sec.fields[1:4], pcts) if v is None]
            if not link:
                lacks.append(sec.fields[4].label)
            if lacks:
                missing.append(f"{label}: falta {', '.join('«' + x + '»' for x in lacks)}")
        headers = (sec.row_header, *(f.label for f in sec.fields), "TRANSMISIONES DE LOS EVENTOS (referencia)")
        return _Part(
            headers=headers,
            rows=rows,
            missing=missing,
            facts=[("Medios con respuesta", f"{answered} de {len(sec.rows)}")],
            col_fields={c: f.key for c, f in enumerate(sec.fields, start=1)},
            row_paths=[(rk,) for rk, _label in sec.rows],
        )

    def _deliberation(self, inst: Institution, year: int) -> _Part:
        from rcdesk.events.tallies import cpccs_buckets
        from rcdesk.models.events import Attendance, AttendanceTally

        events = self._period_events(inst, year, ("DELIBERACION_PUBLICA",))
        ids = [e.id for e in events]
        with self.db.session() as s:
            tallies = {
                t.event_id: (t.total, dict(t.counts or {}))
                for t in s.scalars(
                    select(AttendanceTally).where(AttendanceTally.event_id.in_(ids), AttendanceTally.deleted.is_(False))
                )
            }
            registered = dict(
                s.execute(
                    select(Attendance.event_id, func.count())
                    .where(Attendance.event_id.in_(ids), Attendance.deleted.is_(False))
                    .group_by(Attendance.event_id)
                ).all()
            )
        rows, missing, notes = [], [], []
        totals = [0] * 9
        for e in events:
            when = e.event_date.strftime("%d/%m/%Y")
            if e.id not in tallies:
                missing.append(f"el evento «{e.title}» ({when}) no tiene conteo anónimo por género y pueblos")
                rows.append((when, registered.get(e.id, 0), *([None] * 8), e.title))
                continue
            total, counts = tallies[e.id]
            b = cpccs_buckets(total, counts, inst.country)
            gender = [b.get("genero", {}).get("buckets", {}).get(k, 0) for k in GENDER_HEADERS]
            peoples = list(b.get("etnia", {}).get("buckets", {}).values())
            values = [total, *gender, *peoples]
            totals = [a + int(v or 0) for a, v in zip(totals, values)]
            rows.append((when, *values, e.title))
            apart = [
                f"{label}: " + ", ".join(f"{k} {v}" for k, v in b.get(dim, {}).get("aparte", {}).items())
                for dim, label in (("genero", "género"), ("etnia", "pueblos y nacionalidades"))
                if b.get(dim, {}).get("aparte")
            ]
            if apart:
                notes.append(f"{when}, sin casilla en el formulario del CPCCS: {'; '.join(apart)}.")
        if len(rows) > 1:
            rows.append(("TOTAL", *totals, ""))
        if not events:
            missing.append(
                f"no hay evento de deliberación pública del periodo {year} (periodo que se rinde "
                f"«{year}», o realizado en {int(year) + 1})"
            )
        facts = [
            (
                "FECHA EN QUE SE REALIZÓ LA DELIBERACIÓN PÚBLICA Y EVALUACIÓN CIUDADANA DE RENDICIÓN DE CUENTAS:",
                ", ".join(e.event_date.strftime("%d/%m/%Y") for e in events),
            ),
            ("NO. DE PARTICIPANTES", totals[0] if len(rows) != 1 else rows[0][1]),
        ]
        headers = ("FECHA", "NO. DE PARTICIPANTES", *GENDER_HEADERS, *PEOPLES_HEADERS, "EVENTO (referencia)")
        return _Part(facts=facts, headers=headers, rows=rows, missing=missing, notes=notes)

    def _contributions(self, inst: Institution, year: int, cut: date) -> _Part:
        """Each aporte as of the report's cut: its progress is the latest follow-up dated on or before the
        cut (later ones are left out), its status the one in force on the cut in its dated history
        (`services/commitment_status.py`: set by hand or implied by a follow-up); an aporte «no aplica»
        on the cut is left out."""
        from rcdesk.models.events import Commitment, CommitmentFollowUp, Contribution
        from rcdesk.models.followup import Evidence
        from rcdesk.services.commitment_status import statuses_at

        events = {e.id: e for e in self._period_events(inst, int(year) - 1)}
        with self.db.session() as s:
            items = list(
                s.execute(
                    select(
                        Commitment.id,
                        Commitment.description,
                        Commitment.status,
                        Commitment.progress_pct,
                        Commitment.results,
                        Contribution.text,
                        Commitment.last_followup_on,
                    )
                    .outerjoin(Contribution, Contribution.id == Commitment.contribution_id)
                    .where(
                        Commitment.deleted.is_(False),
                        Commitment.source == "APORTE_CIUDADANO",
                        Commitment.event_id.in_(list(events)),
                    )
                    .order_by(Commitment.due_date, Commitment.created_at)
                ).all()
            )
            ids = [i[0] for i in items]
            statuses = statuses_at(s, ids, cut)
            links: dict[str, str] = {}
            narratives: dict[str, str] = {}
            at_cut: dict[str, float] = {}
            for cid, url, narrative, fpct in s.execute(
                select(
                    CommitmentFollowUp.commitment_id,
                    Evidence.url,
                    CommitmentFollowUp.narrative,
                    CommitmentFollowUp.progress_pct,
                )
                .outerjoin(
                    Evidence,
                    (Evidence.owner_id == CommitmentFollowUp.id)
                    & (Evidence.owner_type == "commitment_followup")
                    & (Evidence.kind == "LINK")
                    & Evidence.deleted.is_(False),
                )
                .where(
                    CommitmentFollowUp.commitment_id.in_(ids),
                    CommitmentFollowUp.deleted.is_(False),
                    CommitmentFollowUp.cut_date <= cut,
                )
                .order_by(CommitmentFollowUp.cut_date.desc(), CommitmentFollowUp.created_at.desc())
            ):
                at_cut.setdefault(cid, float(fpct or 0))
                if url:
                    links.setdefault(cid, url)
                if narrative:
                    narratives.setdefault(cid, narrative)
        rows, no_link = [], 0
        incorporated = 0
        for cid, desc, now, pct_now, results_now, text, followed in items:
            status = statuses.get(cid, now)  # no history: a record from before it, taken as it stands
            if status == "NO_APLICA":
                continue
            pct = at_cut.get(cid, 0.0)
            # the results text is today's: shown only when the aporte had progressed by the cut
            results = results_now if pct > 0 or status in ("EN_CURSO", "CUMPLIDO") else None
            yes = "SI" if pct > 0 or status in ("EN_CURSO", "CUMPLIDO") else "NO"
            incorporated += yes == "SI"
            link = links.get(cid) or (NO_APLICA if yes == "NO" else "")
            if yes == "SI" and not link:
                no_link += 1
            rows.append(
                (
                    text or desc,
                    yes,
                    cpccs_band(pct or 0) if yes == "SI" else "0",
                    (results or narratives.get(cid) or "") if yes == "SI" else "",
                    link,
                    round(float(pct or 0), 2),
                )
            )
        missing = []
        if not rows:
            missing.append(
                f"no hay aportes ciudadanos registrados de la rendición del periodo {int(year) - 1} "
                "(márquela «no aplica» si no los hubo)"
            )
        if no_link:
            missing.append(f"{no_link} aporte(s) incorporado(s) sin link de verificación en su seguimiento")
        facts = [
            ("Aportes ciudadanos registrados", len(rows)),
            ("Aportes incorporados", incorporated),
            ("% de aportes incorporados", _pct(incorporated, len(rows))),
        ]
        headers = (
            "DESCRIBA LOS PRINCIPALES APORTES CIUDADANOS REPORTADOS EN LA RENDICIÓN DE CUENTAS DEL PERIODO ANTERIOR",
            "¿INCORPORÓ EL APORTE CIUDADANO EN LA GESTIÓN INSTITUCIONAL?(PONGA SÍ O NO)",
            "PORCENTAJE DE AVANCES DE CUMPLIMIENTO",
            "DESCRIPCIÓN DE RESULTADOS",
            schema.LINK_LABEL,
            "% DE CUMPLIMIENTO (referencia)",
        )
        return _Part(facts=facts, headers=headers, rows=rows, missing=missing)

    def _programmatic(self, year: int, ev, form: dict) -> _Part:
        from rcdesk.models.poa import PoaObjective
        from rcdesk.services.poa_reports import evidence_links

        links = evidence_links(self.db, year)
        with self.db.session() as s:
            ids = list({m.objective_id for m in ev.metas})
            aligns = dict(
                s.execute(select(PoaObjective.id, PoaObjective.alignment).where(PoaObjective.id.in_(ids))).all()
            )
        units = {u.key: u.label for u in ev.units}
        tipo = form.get("tipo") or "OBJETIVOS ESTRATÉGICOS"
        rows = []
        no_link = no_text = 0
        for n, m in enumerate(ev.metas, start=1):
            link = links.get(m.meta_id, "")
            no_link += not link
            no_text += not (m.narrative or "").strip()
            rows.append(
                (
                    tipo,
                    m.objective,
                    aligns.get(m.objective_id, ""),
                    n,
                    m.description,
                    m.indicator or m.unit_of_measure,
                    m.planned,
                    m.executed,
                    0.0 if m.pct is None else m.pct,
                    m.narrative,
                    m.contribution,
                    link,
                    units.get(m.unit_id, ""),
                )
            )
        missing = []
        if not rows:
            missing.append(f"no hay metas de POA del año {year}")
        if no_link:
            missing.append(f"{no_link} meta(s) sin link de verificación (evidencias de sus reportes)")
        if no_text:
            missing.append(f"{no_text} meta(s) sin descripción de la gestión (narrativa de sus reportes)")
        avg = rows_average(ev)
        facts = [
            ("Metas", len(rows)),
            ("Cumplimiento promedio provincial (promedio simple de las metas, §4.1)", "N/A" if avg is None else avg),
        ]
        headers = (
            "TIPO",
            "FUNCIONES / OBJETIVOS / FINES",
            "DESCRIPCIÓN DE COMPETENCIAS (alineación)",
            "NO. DE META",
            "META POA",
            "INDICADOR DE LA META",
            "TOTALES PLANIFICADOS",
            "TOTALES CUMPLIDOS",
            "% DE LA GESTIÓN",
            "DESCRIPCIÓN DE LA GESTIÓN POR META",
            "¿CÓMO APORTA EL RESULTADO ALCANZADO AL LOGRO DEL PLAN DE DESARROLLO?",
            "LINK AL MEDIO DE VERIFICACIÓN",
            "UNIDAD (referencia)",
        )
        return _Part(
            facts=facts,
            headers=headers,
            rows=rows,
            missing=missing,
            col_fields={0: "tipo"},
            row_paths=[() for _r in rows],
            key_col=4,
        )

    def _lines(self, ev, form: dict) -> list[BudgetLine]:
        from rcdesk.models.poa import PoaActivity

        chosen = form.get("clasificacion") or {}
        ids = [m.meta_id for m in ev.metas if m.codificado]
        partidas: dict[str, list[str]] = {}
        with self.db.session() as s:
            for mid, line in s.execute(
                select(PoaActivity.meta_id, PoaActivity.budget_line).where(
                    PoaActivity.meta_id.in_(ids), PoaActivity.deleted.is_(False)
                )
            ):
                if (line or "").strip():
                    partidas.setdefault(mid, []).append(line.strip())
        units = {u.key: u.label for u in ev.units}
        out = []
        for m in ev.metas:
            if not m.codificado:
                continue
            ps = partidas.get(m.meta_id, [])
            klass, origin = chosen.get(m.meta_id), "formulario"
            if klass is None:
                klass = _class_from_partidas(ps)
                origin = "partida" if klass else "sin clasificar"
            out.append(
                BudgetLine(
                    m.meta_id,
                    f"{m.number} {m.description}".strip(),
                    units.get(m.unit_id, ""),
                    ", ".join(ps),
                    m.codificado,
                    m.devengado,
                    klass,
                    origin,
                )
            )
        return out

    def _budget(self, ev, form: dict) -> _Part:
        lines = self._lines(ev, form)
        cod = round(sum(x.codificado for x in lines), 2)
        cp = round(sum(x.codificado for x in lines if x.klass == "CORRIENTE"), 2)
        ce = round(sum(x.devengado for x in lines if x.klass == "CORRIENTE"), 2)
        ip = round(sum(x.codificado for x in lines if x.klass == "INVERSION"), 2)
        ie = round(sum(x.devengado for x in lines if x.klass == "INVERSION"), 2)
        facts = [
            ("TOTAL DE PRESUPUESTO INSTITUCIONAL CODIFICADO", cod),
            ("GASTO CORRIENTE PLANIFICADO", cp),
            ("GASTO CORRIENTE EJECUTADO", ce),
            ("GASTO DE INVERSIÓN PLANIFICADO", ip),
            ("GASTO DE INVERSIÓN EJECUTADO", ie),
            ("% EJECUCIÓN PRESUPUESTARIA", _pct(ce + ie, cod)),
        ]
        rows = [
            (
                x.label,
                x.unit,
                x.partidas,
                x.codificado,
                x.devengado,
                schema.BUDGET_CLASSES.get(x.klass, "") if x.klass else "",
                x.origin,
            )
            for x in lines
        ]
        missing = []
        unclassified = [x.label for x in lines if not x.klass]
        if unclassified:
            missing.append(
                f"{len(unclassified)} línea(s) presupuestaria(s) sin clasificar como corriente o "
                f"inversión: {'; '.join(unclassified[:5])}{' …' if len(unclassified) > 5 else ''}"
            )
        if not lines:
            missing.append("no hay metas con presupuesto codificado")
        headers = (
            "LÍNEA PRESUPUESTARIA (META)",
            "UNIDAD",
            "PARTIDA",
            "CODIFICADO",
            "DEVENGADO",
            "CLASIFICACIÓN",
            "ORIGEN DE LA CLASIFICACIÓN",
        )
        return _Part(
            facts=facts,
            headers=headers,
            rows=rows,
            missing=missing,
            col_fields={5: ""},
            row_paths=[("clasificacion", x.meta_id) for x in lines],
        )

    def _budget_compliance(self, year: int, ev, budget_type: str) -> _Part:
        from rcdesk.reports.cpccs_xlsx import BUDGET_HEADERS, BUDGET_TYPES, build_rows
        from rcdesk.services.poa_reports import evidence_links

        built = build_rows(ev, budget_type=budget_type, links=evidence_links(self.db, year)) if ev.metas else None
        rows = list(built.budget) if built else []
        missing = []
        if not rows:
            missing.append("no hay metas con presupuesto codificado")
        if budget_type != "META":
            # links of the evidence store belong to metas; a programme or an area has none of its own
            return _Part(
                headers=BUDGET_HEADERS,
                rows=rows,
                missing=missing,
                facts=[("TIPO DE EJECUCIÓN", BUDGET_TYPES[budget_type])],
            )
        no_link = sum(1 for r in rows if not r[5])
        if no_link:
            missing.append(f"{no_link} fila(s) sin link al medio de verificación")
        return _Part(headers=BUDGET_HEADERS, rows=rows, missing=missing)


def rows_average(ev) -> float | None:
    """«Cumplimiento promedio» by the rule of §4.1: simple mean of the metas' capped percentages
    (metas with nothing planned left out), not a mean of unit means."""
    c = aggregate(m.pct for m in ev.metas)
    return None if c.raw is None else float(c.raw)


@dataclass
class _Part:
    facts: list = field(default_factory=list)
    headers: tuple = ()
    rows: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    fact_paths: dict = field(default_factory=dict)
    col_fields: dict = field(default_factory=dict)
    row_paths: list = field(default_factory=list)
    key_col: int = 0

    def fill(self, view: SectionView) -> None:
        view.facts, view.headers, view.rows = self.facts, self.headers, self.rows
        view.missing, view.notes = self.missing, self.notes
        view.fact_paths, view.col_fields, view.row_paths = self.fact_paths, self.col_fields, self.row_paths
        view.key_col = self.key_col


def _form_rows(sec, data: dict, view: SectionView) -> None:
    """Rows of a section typed entirely by the user, in the form's columns."""
    if sec.layout == "grid":
        view.headers = (sec.row_header, *(f.label for f in sec.fields))
        view.col_fields = {c: f.key for c, f in enumerate(sec.fields, start=1)}
        view.row_paths = [(rk,) for rk, _label in sec.rows]
        for rk, label in sec.rows:
            row = data.get(rk, {})
            yes = row.get("aplica")
            values = []
            for f in sec.fields:
                v = row.get(f.key)
                if v is None and yes == "NO" and f.kind == "link":
                    v = NO_APLICA
                values.append(v)
            view.rows.append((label, *values))
    elif sec.layout == "table":
        view.headers = tuple(f.label for f in sec.fields)
        view.rows = [tuple(r.get(f.key) for f in sec.fields) for r in data.get("filas", [])]
        view.col_fields = {c: f.key for c, f in enumerate(sec.fields)}
        view.row_paths = [("filas", i) for i in range(len(view.rows))]
        view.open_rows = True
    elif sec.layout == "fields":
        view.facts = [(f.label, data.get(f.key) or "") for f in sec.fields]
        view.fact_paths = {i: (f.key,) for i, f in enumerate(sec.fields)}


# which step of the process an activity of the plan is: (phase or None for any, step, words), the
# first match wins, the activity's own description before the names of its groups
_STEP_RULES: tuple[tuple[str | None, str, tuple[str, ...]], ...] = (
    ("FASE 0", "diseno", ("diseno", "propuesta", "programacion", "lineamiento", "cronograma")),
    ("FASE 0", "equipo", ("equipo", "conforma", "designa", "capacita")),
    ("FASE 1", "formulario", ("formulario",)),
    ("FASE 1", "redaccion", ("redacc",)),
    ("FASE 1", "socializacion", ("socializ", "aprob")),
    ("FASE 1", "evaluacion", ("evaluac", "levantamiento", "consolidac", "validac", "gestion")),
    ("FASE 2", "difusion", ("difusi", "distintos medios")),
    ("FASE 2", "aportes", ("aporte", "sugerencia", "sistematiza")),
    ("FASE 2", "evento", ("realizacion del evento", "evento publico", "deliberacion", "acta")),
    (
        "FASE 2",
        "planificacion",
        ("planific", "panific", "convocatoria", "logistic", "agenda", "facilitador", "invitac", "participantes"),
    ),
    ("FASE 2", "plazo", ("plazo",)),
    ("FASE 3", "entrega", ("entrega", "sistema", "ingreso", "registro", "cpccs", "informe")),
)
_PHASE_CODE = re.compile(r"^fase\s*(\d|i{1,3}|iv)\b")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


def _phase_of(group_id: str | None, groups: dict) -> tuple[str | None, list[str]]:
    """(«FASE n» or None, names of the activity's groups from the nearest up) of an activity."""
    names: list[str] = []
    phase = None
    seen: set[str] = set()
    while group_id and group_id in groups and group_id not in seen:
        seen.add(group_id)
        g = groups[group_id]
        names.append(f"{g.code} {g.name}")
        m = _PHASE_CODE.match(fold(g.code) or fold(g.name))
        if m and phase is None:
            phase = "FASE " + _ROMAN.get(m[1], m[1])
        group_id = g.parent_id
    return phase, names


def _step_of(description: str, group_names: list[str], phase: str | None) -> str | None:
    """The step of the form an activity belongs to (None: none of them)."""
    rules = [r for r in _STEP_RULES if phase is None or r[0] == phase]
    for text in (description, *group_names):
        t = fold(text)
        for _phase, key, words in rules:
            if any(w in t for w in words):
                return key
    if phase is not None and len(rules) == 1:
        return rules[0][1]
    return None


def _when_done(a) -> str:
    parts = [x for x in ((a.scheduled or "").strip(), "cumplida" if a.done else "") if x]
    return f" ({', '.join(parts)})" if parts else ""


def _mentions_pnd(text: str) -> bool:
    t = f" {fold(text)} "
    return " pnd" in t or "plan nacional" in t or "plan de creacion de oportunidades" in t


def _mentions_pei(text: str) -> bool:
    t = f" {fold(text)} "
    return " pei" in t or "estrategic" in t or "plan institucional" in t


def _class_from_partidas(partidas: list[str]) -> str | None:
    """Ecuador's budget classifier: group 5 is gasto corriente, groups 7 and 8 are inversión / capital."""
    kinds = set()
    for p in partidas:
        digits = re.sub(r"\D", "", p)
        if digits[:1] == "5":
            kinds.add("CORRIENTE")
        elif digits[:1] in ("7", "8"):
            kinds.add("INVERSION")
        else:
            return None
    return kinds.pop() if len(kinds) == 1 else None


def _check_year(year: object) -> None:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise UserError(f"Año fiscal «{year}» no válido (un año entre 2000 y 2100).")
