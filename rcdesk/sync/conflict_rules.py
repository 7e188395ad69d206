"""What an incoming copy of a record does to the local copy, for each direction.

Kept together because the three rules must agree: a field edit based on the version
headquarters holds is a clean update there, a headquarters version replaces a laptop's
copy only when the laptop has nothing newer to send, and a deleted record never comes back.
"""

from __future__ import annotations

from rcdesk.sync.apply import Applier

INSERT, UPDATE, SAME, CONFLICT, DISCARD, KEEP_LOCAL = "insert", "update", "same", "conflict", "discard", "keep"


def classify_hq(r: dict, h: dict | None, src: str, applier: Applier) -> str:
    """A field package's row `r` (with its `_base` version) against headquarters' copy `h`."""
    if h is None:
        return INSERT
    if h["deleted"] and r["deleted"]:
        return SAME
    if applier.same(r, h):
        return SAME
    if h["deleted"]:
        return DISCARD
    if h["modified_by"] == src:
        return UPDATE if r["version"] >= h["version"] else SAME
    if r["_base"] == h["version"]:
        return UPDATE
    return CONFLICT


def classify_field(r: dict, local: dict | None, sync: tuple | None, self_id: str, ap: Applier) -> str:
    """A base package's row against the laptop's copy (`sync` = the base version it holds)."""
    if local is None:
        return INSERT
    if ap.same(r, local):
        return SAME if local["version"] == r["version"] else UPDATE
    clean = (local["version"] <= sync[0]) if sync is not None else (local["modified_by"] != self_id)
    return UPDATE if clean else KEEP_LOCAL


def classify_correction(r: dict, local: dict | None, state: tuple | None, n: int, ap: Applier) -> str:
    """What a correction does to the local copy (`state` = base, sent version, sent package)."""
    if local is None:
        return INSERT
    if ap.same(r, local):
        return SAME if local["version"] == r["version"] else UPDATE
    if local["deleted"] and not r["deleted"]:
        return KEEP_LOCAL  # deleted here: no resurrection; the tombstone travels to headquarters
    base, sent, sent_seq = state or (0, 0, 0)
    consolidated = local["version"] <= base or (0 < sent_seq <= n and local["version"] <= sent)
    return UPDATE if consolidated else KEEP_LOCAL
