"""Compliance and traffic lights against hand-computed cases (domain.md §4.1, §4.3, §4.5)."""

from decimal import Decimal

import pytest

from rcdesk.compliance import (
    CO_PAAC,
    EC_POA,
    Band,
    Compliance,
    ThresholdProfile,
    aggregate,
    compliance,
    cpccs_band,
    distribution,
    format_pct,
    from_percent,
)

D = Decimal


def test_compliance_is_executed_over_planned_rounded_half_up():
    assert compliance(45, 60).raw == D("75.00")
    assert compliance(2, 3).raw == D("66.67")  # 66.666… → 66.67
    assert compliance(1, 8).raw == D("12.50")
    assert compliance("0,5", 3).raw == D("16.67")  # Spanish decimal comma accepted


def test_nothing_planned_gives_none_not_zero():
    c = compliance(5, 0)
    assert c.raw is None and c.rated is None and not c.programmed
    assert format_pct(c) == "N/A"


def test_over_100_is_kept_raw_flagged_and_capped_for_ratings():
    c = compliance(130, 100)
    assert c.raw == D("130.00")
    assert c.over is True
    assert c.rated == D("100")
    assert compliance(100, 100).over is False


def test_simple_mean_leaves_out_not_programmed_and_caps_over_100():
    # (75 + 66.67 + min(130,100)) / 3 = 241.67 / 3 = 80.5566… → 80.56
    agg = aggregate([compliance(45, 60), compliance(2, 3), compliance(130, 100), compliance(1, 0)])
    assert agg.raw == D("80.56")


def test_weighted_mean():
    # (50×3 + 100×1) / 4 = 62.5
    assert aggregate([from_percent(50), from_percent(100)], weights=[3, 1]).raw == D("62.50")
    # a zero weight and a not-programmed value do not take part
    assert aggregate([from_percent(50), from_percent(10), None], weights=[1, 0, 5]).raw == D("50.00")
    assert aggregate([None, None]).raw is None
    with pytest.raises(ValueError):
        aggregate([from_percent(1)], weights=[1, 2])


@pytest.mark.parametrize(
    "value,color",
    [
        (D("0"), "rojo"),
        (D("59.99"), "rojo"),
        (D("60"), "amarillo"),
        (D("79.99"), "amarillo"),
        (D("80"), "verde"),
        (D("100"), "verde"),
        (D("100.01"), "azul"),
        (None, "gris"),
    ],
)
def test_co_paac_profile(value, color):
    assert CO_PAAC.classify(value).color == color


@pytest.mark.parametrize(
    "value,color",
    [
        (D("69.99"), "rojo"),
        (D("69.995"), "amarillo"),  # boundary on the ROUNDED value: 69.995 → 70.00
        (D("84.99"), "amarillo"),
        (D("84.995"), "verde"),
        (D("85"), "verde"),
    ],
)
def test_ec_poa_profile_boundaries_on_rounded_value(value, color):
    assert EC_POA.classify(value).color == color


def test_classify_uses_raw_value_so_over_100_is_blue():
    assert EC_POA.classify(compliance(130, 100)).color == "azul"
    assert EC_POA.classify(compliance(0, 0)).label == "Sin programación"


def test_profile_round_trips_as_json_and_validates():
    again = ThresholdProfile.from_json(CO_PAAC.as_json())
    assert again == CO_PAAC
    assert CO_PAAC.validate() == [] and EC_POA.validate() == []
    gap = ThresholdProfile("X", "Con hueco", (Band("rojo", D(0), D(50), "a"), Band("verde", D(60), None, "b")))
    assert any("hueco entre 50 y 60" in p for p in gap.validate())


def test_stored_profile_band_without_lower_bound_is_refused_when_read():
    # before, the band was built with None and the dashboard failed later comparing a value with it
    data = CO_PAAC.as_json()
    data["bands"][1]["min"] = ""
    with pytest.raises(ValueError, match="no tiene límite inferior"):
        ThresholdProfile.from_json(data)


@pytest.mark.parametrize(
    "value,band",
    [
        (0, "0"),
        (D("0.01"), "1-25"),
        (25, "1-25"),
        (D("25.01"), "26-50"),
        (50, "26-50"),
        (75, "51-75"),
        (D("75.5"), "76-100"),
        (120, "76-100"),
    ],
)
def test_cpccs_band(value, band):
    assert cpccs_band(value) == band


def test_distribution_and_spanish_format():
    lights = [CO_PAAC.classify(v) for v in (D(10), D(70), D(90), D(95), None)]
    assert distribution(lights) == {"rojo": 1, "amarillo": 1, "verde": 2, "azul": 0, "gris": 1}
    assert format_pct(Compliance(D("84.50"))) == "84,50 %"
