"""POA calculations for one meta at a cut (domain.md §4.1–4.3), as pure functions.

A meta has per-period programming (planned quantity and budget) and execution (executed
quantity, codificado, devengado). For a cut that closes the first `k` periods:

- physical compliance of the period  = executed(1..k) / planned(1..k) × 100
  (the indicator's accumulation decides how periods combine: SUMA adds them, ULTIMO_VALOR
  takes the last value, PROMEDIO averages them);
- annual progress                    = executed(1..k) / annual target × 100;
- reduction-polarity metas use (baseline − actual) / (baseline − target) × 100;
- budget execution                   = Σ devengado(1..k) / codificado × 100, where codificado
  is the latest one reported up to k, else the meta's codificado, else the programmed budget;
- the physical-vs-financial gap compares annual physical progress with budget execution
  (both measured against the whole year) and is flagged beyond `gap_pp` percentage points.

Percentages are `rcdesk.compliance.Compliance` values: None when nothing was planned
("sin programación", exported as 0 to the CPCCS), raw values may exceed 100 and ratings
use the value capped at 100.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import NamedTuple

from rcdesk.compliance import NOT_PROGRAMMED, Compliance, compliance, from_percent

DEFAULT_GAP_PP = 20.0


class MetaFigures(NamedTuple):
    """One meta's figures at the cut (a tuple: a province evaluates thousands)."""

    planned: float  # programmed up to the cut
    executed: float  # executed up to the cut
    reported: bool  # any execution reported up to the cut
    period: Compliance  # % cumplimiento del periodo (avance del periodo)
    annual: Compliance  # % avance anual
    codificado: float
    devengado: float
    budget: Compliance  # % ejecución presupuestaria
    gap: float | None  # annual physical − financial, percentage points
    gap_flag: bool


def accumulate(values: Sequence[float | None], k: int, mode: str = "SUMA") -> float:
    part = [v for v in values[:k] if v is not None]
    if not part:
        return 0.0
    if mode == "ULTIMO_VALOR":
        return float(part[-1])
    if mode == "PROMEDIO":
        return float(sum(part)) / len(part)
    return float(sum(part))


def _last_nonzero(values: Sequence[float | None], k: int) -> float:
    for v in reversed(values[:k]):
        if v:
            return float(v)
    return 0.0


_MEMO: dict[tuple[float, float], Compliance] = {}


def cached_compliance(executed: float, planned: float) -> Compliance:
    """`compliance()` memoized: POA quantities repeat a lot (3 of 3, 12 of 12…) and the
    Decimal arithmetic dominates a province-wide evaluation."""
    key = (executed, planned)
    c = _MEMO.get(key)
    if c is None:
        if len(_MEMO) > 100_000:
            _MEMO.clear()
        c = _MEMO[key] = compliance(executed, planned)
    return c


def physical_compliance(
    executed: float, planned: float, *, polarity: str = "INCREMENTO", baseline: float | None = None
) -> Compliance:
    """% cumplimiento of one figure; reduction metas measure distance travelled from the baseline."""
    if polarity != "REDUCCION":
        return cached_compliance(executed, planned)
    return _reduction(baseline, executed, planned)


def _reduction(baseline: float | None, executed: float, planned: float) -> Compliance:
    if baseline is not None and baseline != planned:
        pct = (baseline - executed) / (baseline - planned) * 100.0
        return from_percent(max(pct, 0.0))
    if planned == 0 and executed == 0:
        return from_percent(100)
    if executed == 0:
        return from_percent(100)
    if planned == 0:
        return from_percent(0)
    return from_percent(planned / executed * 100.0)


_NONE_DONE = from_percent(0)  # 0 % (programmed, nothing reported yet): shared, immutable


def meta_figures(
    *,
    k: int,
    planned: Sequence[float | None],
    executed: Sequence[float | None],
    annual_target: float,
    polarity: str = "INCREMENTO",
    baseline: float | None = None,
    accumulation: str = "SUMA",
    planned_budget: Sequence[float | None] = (),
    codificado: Sequence[float | None] = (),
    devengado: Sequence[float | None] = (),
    meta_codificado: float | None = None,
    gap_pp: float = DEFAULT_GAP_PP,
) -> MetaFigures:
    if accumulation == "ULTIMO_VALOR":
        plan_k = _last_nonzero(planned, k)
    else:
        plan_k = accumulate(planned, k, accumulation)
    upto = executed[:k]
    reported = upto.count(None) < len(upto)  # any period up to the cut reported
    exec_k = accumulate(executed, k, accumulation)
    # the common increasing metas go straight to the memoized figure
    measure = cached_compliance if polarity != "REDUCCION" else partial(_reduction, baseline)
    if k == 0 or (plan_k == 0 and polarity != "REDUCCION"):
        period = NOT_PROGRAMMED
    elif not reported:
        period = _NONE_DONE
    else:
        period = measure(exec_k, plan_k)
    if k == 0 or not reported:
        annual = _NONE_DONE if (annual_target or polarity == "REDUCCION") else NOT_PROGRAMMED
    else:
        annual = measure(exec_k, annual_target)

    cod = None
    for v in reversed(codificado[:k]):
        if v is not None:
            cod = float(v)
            break
    if cod is None:
        cod = float(meta_codificado) if meta_codificado is not None else float(sum([v for v in planned_budget if v]))
    dev = float(sum([v for v in devengado[:k] if v]))  # None and zeros left out: the same sum
    budget = cached_compliance(dev, cod)

    gap = None
    flag = False
    annual_rated, budget_rated = annual.rated, budget.rated  # None exactly when nothing was planned
    if annual_rated is not None and budget_rated is not None and k > 0:
        gap = float(annual_rated) - float(budget_rated)
        flag = abs(gap) > gap_pp
    return MetaFigures(plan_k, exec_k, reported, period, annual, cod, dev, budget, gap, flag)


def pct_float(c: Compliance) -> float | None:
    return None if c.raw is None else float(c.raw)


def cpccs_pct(c: Compliance) -> float:
    """CPCCS exports store 0 when nothing was planned."""
    return 0.0 if c.raw is None else float(c.raw)
