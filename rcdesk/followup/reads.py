"""The dashboard computed over plain SQL (`db.read()`), so the home page never loads SQLAlchemy.

Column names follow rcdesk/models/followup.py and rcdesk/models/plans.py. `FollowupService.dashboard()`
delegates here too, so there is one implementation. Years whose holidays were never copied
into the database use the `holidays` library directly (nothing is written here).
"""

from __future__ import annotations

import json
import threading
from collections import namedtuple
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from rcdesk.compliance import DEFAULT_PROFILE_BY_COUNTRY, DEFAULT_PROFILES, ThresholdProfile, aggregate, distribution
from rcdesk.db.driver import is_connection
from rcdesk.errors import NotFound
from rcdesk.followup.business_days import DEFAULT_RULES, BusinessCalendar, DeadlineRule, library_holidays
from rcdesk.followup.compute import (
    PUBLICATION_RULE,
    Dashboard,
    _cuts,
    _group_statuses,
    _statuses,
    _unit_statuses,
    cut_period,
    report_row,
)

_Act = namedtuple(
    "_Act", "id number description responsible meta group_id cuatrimestres start_date end_date scheduled_text extra"
)
_Group = namedtuple("_Group", "id parent_id kind code name")
_Latest = namedtuple("_Latest", "activity_id period_no id percent quantity target_quantity")
_Report = namedtuple(
    "_Report",
    "id activity_id period_kind period_no percent quantity target_quantity done_text "
    "difficulties justification reporter reported_on status reviewer review_note "
    "reviewed_at created_at",
)


def _d(text) -> date | None:
    return date.fromisoformat(str(text)[:10]) if text else None


def _day(text) -> date:
    """A NOT NULL date column's value."""
    return date.fromisoformat(str(text)[:10])


def _dt(text) -> datetime | None:
    return datetime.fromisoformat(str(text)) if text else None


def _json(text, default):
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def setting(c, key: str, default: Any) -> Any:
    """A setting's JSON value, `default` when it is missing or unreadable."""
    row = c.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return _json(row[0], default) if row else default


def plan_facts(c, plan_id: str) -> tuple[str, str, int, str]:
    """(entity, country, year, period_kind) of a plan."""
    row = c.execute(
        "SELECT i.name, i.country, p.year, p.period_kind FROM plan p JOIN institution i "
        "ON i.id = p.institution_id WHERE p.id = ? AND p.deleted = FALSE",
        (plan_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"No existe el plan «{plan_id}».")
    return row[0], row[1], int(row[2]), row[3]


def profile_for(c, country: str, plan_id: str | None = None) -> ThresholdProfile:
    """The plan's own profile when one was chosen (and still exists), else its country's default."""
    profiles = [ThresholdProfile.from_json(p) for p in setting(c, "compliance.profiles", None) or []] or list(
        DEFAULT_PROFILES
    )
    if plan_id:
        own = setting(c, f"compliance.plan_profile.{plan_id}", None)
        chosen = next((p for p in profiles if p.code == own), None) if own else None
        if chosen is not None:
            return chosen
    mapping = setting(c, "compliance.default_profiles", None) or dict(DEFAULT_PROFILE_BY_COUNTRY)
    code = mapping.get(country, DEFAULT_PROFILE_BY_COUNTRY.get(country, "EC-POA"))
    return next((p for p in profiles if p.code == code), profiles[0])


def publication_rule(c, country: str) -> DeadlineRule | None:
    rules = setting(c, "calendar.deadline_rules", None) or list(DEFAULT_RULES)
    code = PUBLICATION_RULE.get(country, "co_seguimiento_oci")
    for r in rules:
        if r.get("code") == code:
            return DeadlineRule(**{k: r[k] for k in DeadlineRule.__dataclass_fields__ if k in r})
    return None


def business_calendar(c, country: str, years: list[int], locality: str | None = None) -> BusinessCalendar:
    from rcdesk.text import fold

    lo, hi = date(min(years), 1, 1).isoformat(), date(max(years), 12, 31).isoformat()
    days: dict[date, str] = {}
    seeded: set[int] = set()
    loc = fold(locality) if locality else None
    for day, name, scope, where, source, active, deleted in c.execute(
        "SELECT day, name, scope, locality, source, active, deleted FROM holiday "
        "WHERE country = ? AND day >= ? AND day <= ?",
        (country, lo, hi),
    ):
        d = _day(day)
        if source == "biblioteca":
            seeded.add(d.year)
        if deleted or not active or (scope == "local" and (loc is None or fold(where) != loc)):
            continue
        days.setdefault(d, name)
    for y in years:
        if y not in seeded:
            for d, n in library_holidays(country, y).items():
                days.setdefault(d, n)
    return BusinessCalendar(country, days, years, locality=locality)


def _reports(c, plan_id: str, cut_no: int, in_plan: str) -> tuple[list[_Latest], dict[str, int]]:
    """Each activity's report that counts and its count of reports awaiting review.

    The report that counts: VALIDADO with the highest period <= the cut (one VALIDADO per period;
    a tie would go to the highest id). Both reads are answered from ix_progress_report_latest
    (revision 0016) without scanning the table: on SQLite one index seek per activity finds its
    report (the rowid then reads that one row), so the cost does not grow with the reports of
    the periods before the cut; PostgreSQL numbers each activity's rows with a window.
    """
    if is_connection(c):  # either SQLite driver (a plain or an encrypted file)
        latest_sql = (
            "SELECT r.activity_id, r.period_no, r.id, r.percent, r.quantity, r.target_quantity "
            "FROM plan_activity a JOIN progress_report r ON r.rowid = ("
            "SELECT l.rowid FROM progress_report l WHERE l.activity_id = a.id AND l.deleted = FALSE "
            "AND l.status = 'VALIDADO' AND l.period_no <= ? ORDER BY l.period_no DESC, l.id DESC LIMIT 1) "
            "WHERE a.plan_id = ? AND a.deleted = FALSE"
        )
        args: tuple = (cut_no, plan_id)
    else:
        latest_sql = (
            "SELECT activity_id, period_no, id, percent, quantity, target_quantity FROM ("
            "SELECT activity_id, period_no, id, percent, quantity, target_quantity, row_number() OVER "
            "(PARTITION BY activity_id ORDER BY period_no DESC, id DESC) AS rn FROM progress_report "
            f"WHERE activity_id IN ({in_plan}) AND deleted = FALSE AND status = 'VALIDADO' AND period_no <= ?"
            ") latest WHERE rn = 1"
        )
        args = (plan_id, cut_no)
    latest = [_Latest(*r) for r in c.execute(latest_sql, args)]
    pending = dict(
        c.execute(
            f"SELECT activity_id, count(*) FROM progress_report WHERE activity_id IN ({in_plan}) AND deleted = FALSE "
            "AND status = 'REPORTADO' GROUP BY activity_id",
            (plan_id,),
        ).fetchall()
    )
    return latest, pending


def _load(c, plan_id: str, cut_no: int, *, weighted: bool) -> dict:
    # thousands of activities share a few cuatrimestre lists and dates: each text is read once
    # (the values are only read, never changed, by the computation)
    marks: dict[str | None, Any] = {}
    days: dict[str | None, date | None] = {}

    def mark(text: str | None) -> Any:
        if text not in marks:
            marks[text] = _json(text, [])
        return marks[text]

    def day(text: str | None) -> date | None:
        if text not in days:
            days[text] = _d(text)
        return days[text]

    acts = [
        _Act(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            mark(r[6]),
            day(r[7]),
            day(r[8]),
            r[9],
            _json(r[10], {}) if weighted else {},
        )
        for r in c.execute(
            "SELECT id, number, description, responsible, meta, group_id, cuatrimestres, start_date, end_date, "
            f"scheduled_text, {'extra' if weighted else 'NULL'} FROM plan_activity "
            "WHERE plan_id = ? AND deleted = FALSE ORDER BY position",
            (plan_id,),
        )
    ]
    groups = [
        _Group(*r)
        for r in c.execute(
            "SELECT id, parent_id, kind, code, name FROM plan_group WHERE plan_id = ? AND deleted = FALSE ORDER BY position",
            (plan_id,),
        )
    ]
    in_plan = "SELECT id FROM plan_activity WHERE plan_id = ? AND deleted = FALSE"
    latest, pending = _reports(c, plan_id, cut_no, in_plan)
    ids = [r.id for r in latest]
    with_evidence: set[str] = set()
    for i in range(0, len(ids), 900):
        chunk = ids[i : i + 900]
        with_evidence.update(
            r[0]
            for r in c.execute(
                "SELECT DISTINCT owner_id FROM evidence WHERE owner_type = 'progress_report' AND deleted = FALSE "
                f"AND owner_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    units = c.execute(
        "SELECT au.activity_id, u.name FROM activity_unit au JOIN org_unit u ON u.id = au.unit_id "
        f"WHERE au.deleted = FALSE AND au.activity_id IN ({in_plan})",
        (plan_id,),
    ).fetchall()
    weights = {}
    for a in acts:
        w = a.extra.get("peso") if isinstance(a.extra, dict) else None
        if w is not None:
            try:
                weights[a.id] = Decimal(str(w).replace(",", "."))
            except Exception:
                pass
    return {
        "activities": acts,
        "groups": groups,
        "latest": {r.activity_id: r for r in latest},
        "pending": pending,
        "with_evidence": with_evidence,
        "units": units,
        "weights": weights,
    }


def report_details(c, year: int, ids: list[str]) -> dict:
    out = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i : i + 900]
        for r in c.execute(
            "SELECT id, activity_id, period_kind, period_no, percent, quantity, target_quantity, done_text, "
            "difficulties, justification, reporter, reported_on, status, reviewer, review_note, reviewed_at, "
            f"created_at FROM progress_report WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            row = _Report._make((*r[:11], _d(r[11]), *r[12:15], _dt(r[15]), _dt(r[16])))
            out[row.id] = report_row(row, year)
    return out


# The home page's figures computed ahead, while the GUI starts (see `prefetch_home`).
_ahead: dict[str, tuple[object, str, Future]] = {}
_ahead_lock = threading.Lock()


def prefetch_home(db, plan_id: str, *, later: bool = False) -> Callable[[], None]:
    """Compute the home page's figures for `plan_id` on a thread of its own.

    The next `dashboard(db, plan_id, with_reports=False)` with default arguments takes the
    result (waiting for it if need be); any other call drops it, so a result computed before a
    change is never shown after it. With `later` the thread starts only when the returned
    function is first called: the GUI calls it once the window is on screen, so that building
    and painting the window does not share the interpreter with the figures. The caller must
    call it (a `dashboard` call meanwhile waits for it); calling it again does nothing.
    """
    fut: Future = Future()

    def work() -> None:
        try:
            fut.set_result(_dashboard(db, plan_id, with_reports=False))
        except BaseException as exc:
            fut.set_exception(exc)

    thread = threading.Thread(target=work, name="tablero-inicial", daemon=True)
    started = threading.Lock()

    def start() -> None:
        if started.acquire(blocking=False):
            thread.start()

    with _ahead_lock:
        _ahead["home"] = (db, plan_id, fut)
    if not later:
        start()
    return start


def _take_ahead(db, plan_id: str, plain: bool) -> Dashboard | None:
    with _ahead_lock:
        entry = _ahead.pop("home", None)
    if entry is None or not plain or entry[0] is not db or entry[1] != plan_id:
        return None
    try:
        return entry[2].result()
    except Exception:
        return None


def dashboard(
    db,
    plan_id: str,
    *,
    cut: date | None = None,
    today: date | None = None,
    weighted: bool = False,
    profile: ThresholdProfile | None = None,
    with_reports: bool = True,
) -> Dashboard:
    """Everything the home page shows, in a handful of plain-SQL queries."""
    if _ahead:
        plain = cut is None and today is None and not weighted and profile is None and not with_reports
        ahead = _take_ahead(db, plan_id, plain)
        if ahead is not None and ahead.today == date.today():
            return ahead
    return _dashboard(db, plan_id, cut=cut, today=today, weighted=weighted, profile=profile, with_reports=with_reports)


def _dashboard(
    db,
    plan_id: str,
    *,
    cut: date | None = None,
    today: date | None = None,
    weighted: bool = False,
    profile: ThresholdProfile | None = None,
    with_reports: bool = True,
) -> Dashboard:
    today = today or date.today()
    with db.read() as c:
        entity, country, year, kind = plan_facts(c, plan_id)
        profile = profile or profile_for(c, country, plan_id)
        rule = publication_rule(c, country)
        require_evidence = bool(setting(c, f"followup.evidence_required.{plan_id}", True))
        if cut is None:
            cut = min(max(today, date(year, 1, 1)), date(year, 12, 31))
        # Days overdue run up to today: the years up to today's come from the database too when
        # they were copied there (the `holidays` library costs ~0.2 s to load on the home page).
        cal = business_calendar(c, country, list(range(year, max(year + 1, today.year, cut.year) + 1)))
        data = _load(c, plan_id, cut_period(kind, year, cut), weighted=weighted)
        chosen: dict[str, str] = {}
        statuses = _statuses(
            data, kind, year, cut, today, cal, profile, require_evidence=require_evidence, chosen=chosen
        )
        details = report_details(c, year, list(chosen.values())) if with_reports else {}
    if details:
        statuses = [
            replace(a, last_report=details.get(chosen[a.activity_id])) if a.activity_id in chosen else a
            for a in statuses
        ]
    by_id = {a.activity_id: a for a in statuses}
    weights = data["weights"] if weighted else None
    groups = _group_statuses(data["groups"], statuses, profile, weights)
    plan_c = aggregate(
        [a.compliance for a in statuses], [weights.get(a.activity_id, 1) for a in statuses] if weights else None
    )
    # sorted once by due date (a stable sort, so the order is the one each filtered list would get)
    not_done = sorted(((a.due, a) for a in statuses if not a.done and a.due is not None), key=lambda p: p[0])
    overdue = [a for _, a in not_done if a.overdue]
    week = [a for due, a in not_done if not a.overdue and due <= today + timedelta(days=7)]
    cuts = _cuts(kind, year, cal, rule, today)
    return Dashboard(
        plan_id=plan_id,
        entity=entity,
        country=country,
        year=year,
        period_kind=kind,
        cut=cut,
        today=today,
        profile=profile,
        plan=plan_c,
        plan_light=profile.classify(plan_c),
        groups=tuple(groups),
        components=tuple((g.label, g.compliance, g.light) for g in groups if g.depth == 0),
        units=tuple(_unit_statuses(data, by_id, profile)),
        activities=tuple(statuses),
        overdue=tuple(overdue),
        due_this_week=tuple(week),
        pending_review=sum(a.pending_review for a in statuses),
        next_cut=next((c for c in cuts if c.publish_by >= today), None),
        colors=distribution(a.light for a in statuses),
    )
