"""What a service call changed, so each view can decide whether to refresh.

The GUI does not say it by hand: the write path records the tables its committed transactions
wrote (`rcdesk/db/write_tracking.py`) and `changes_for_tables` turns them into a `Changes` here,
through the one map below (`tests/core/test_write_tracking.py` fails when a table is missing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    plans: bool = False
    activities: bool = False
    reference: bool = False
    followup: bool = False
    poa: bool = False
    events: bool = False
    sync: bool = False
    everything: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{k: getattr(self, k) or getattr(other, k) for k in self.__dataclass_fields__})

    def __bool__(self) -> bool:
        """False when nothing changed (a read, or a write that was rolled back)."""
        return any(getattr(self, k) for k in self.__dataclass_fields__)


EVERYTHING = Changes(everything=True)
NOTHING = Changes()

_PLANS = Changes(plans=True)
_ACTIVITIES = Changes(activities=True)
_REFERENCE = Changes(reference=True)
_FOLLOWUP = Changes(followup=True)
_POA = Changes(poa=True)
_EVENTS = Changes(events=True)
_SYNC = Changes(sync=True)

# Every table of the schema and the area a write to it changes.
TABLE_AREAS: dict[str, Changes] = {
    # plans: the plan list (and the plan selector) / the activities of a plan
    "plan": _PLANS,
    "plan_group": _ACTIVITIES,
    "plan_activity": _ACTIVITIES,
    "activity_unit": _ACTIVITIES,
    # entities, their units and territories
    "territory": _REFERENCE,
    "institution": _REFERENCE,
    "org_unit": _REFERENCE,
    # follow-up of plan activities: reports, the calendar that dates them
    "progress_report": _FOLLOWUP,
    "holiday": _FOLLOWUP,
    # evidence belongs to follow-up reports, POA executions and field visits alike
    "evidence": _FOLLOWUP | _POA,
    "evidence_blob": NOTHING,  # a copy of a stored file's bytes for other desktops (a server)
    # settings: the follow-up's traffic-light profiles and deadline rules, the POA evaluation's, the
    # events' answer days and retention periods (one table, so a change reaches every reader)
    "setting": _FOLLOWUP | _POA | _EVENTS,
    # POA, its evaluation, field visits and official letters
    "poa": _POA,
    "poa_objective": _POA,
    "poa_meta": _POA,
    "poa_indicator": _POA,
    "poa_activity": _POA,
    "poa_programming": _POA,
    "poa_execution": _POA,
    "field_visit": _POA,
    "field_visit_unit": _POA,
    "field_visit_commitment": _POA,
    "document_request": _POA,
    # citizen participation events and the people directory
    "event": _EVENTS,
    "event_invitation": _EVENTS,
    "person": _EVENTS,
    "person_fts": _EVENTS,
    "person_count": _EVENTS,
    "consent_record": _EVENTS,
    "attendance": _EVENTS,
    "attendance_tally": _EVENTS,
    "citizen_question": _EVENTS,
    "contribution": _EVENTS,
    "commitment": _EVENTS,
    "commitment_followup": _EVENTS,
    "commitment_status_change": _EVENTS,
    "survey_question": _EVENTS,
    "survey_response": _EVENTS,
    "acta": _EVENTS,
    # synchronisation between installations
    "sync_key": _SYNC,
    "sync_peer": _SYNC,
    "sync_package": _SYNC,
    "sync_record": _SYNC,
    "sync_conflict": _SYNC,
    "sync_assignment": _SYNC,
    # this installation's name and role (or another installation's, met in a package): every page
    # may show them (its change counter is not a change, see write_tracking)
    "installation": EVERYTHING,
    # shown only by the page that writes it, which refreshes itself
    "cpccs_form": NOTHING,
    # bookkeeping nobody displays as such
    "audit_log": NOTHING,
    "import_mapping": NOTHING,
    "alembic_version": NOTHING,
}


def changes_for_tables(tables: Iterable[str]) -> Changes:
    """What writing these tables changed; tables outside the schema (temporary ones) change nothing."""
    out = NOTHING
    for t in tables:
        out = out | TABLE_AREAS.get(t, NOTHING)
    return out
