"""CPCCS band, commitment %, tallies (sums and mapping as data)."""

import pytest

from rcdesk.errors import UserError
from rcdesk.events import tallies
from rcdesk.events.rules import commitments_met_pct, cpccs_band, status_for_progress


@pytest.mark.parametrize(
    "pct, band",
    [
        (0, "0"),
        (None, "0"),
        (0.01, "1-25"),
        (25, "1-25"),
        (25.004, "1-25"),
        (25.01, "26-50"),
        (50, "26-50"),
        (75, "51-75"),
        (75.5, "76-100"),
        (100, "76-100"),
        (130, "76-100"),
    ],
)
def test_cpccs_band(pct, band):
    assert cpccs_band(pct) == band


def test_commitments_met_excludes_no_aplica():
    assert commitments_met_pct(["CUMPLIDO", "EN_CURSO", "NO_APLICA", "CUMPLIDO"]) == pytest.approx(66.67)
    assert commitments_met_pct(["NO_APLICA"]) is None


def test_status_follows_progress_but_keeps_explicit_states():
    assert status_for_progress(100, "EN_CURSO") == "CUMPLIDO"
    assert status_for_progress(40, "PENDIENTE") == "EN_CURSO"
    assert status_for_progress(40, "INCUMPLIDO") == "INCUMPLIDO"


def test_tally_sum_above_total_is_refused():
    with pytest.raises(UserError) as e:
        tallies.validate_tally(10, {"genero": {"MASCULINO": 6, "FEMENINO": 5}})
    assert "supera el total" in str(e.value)


def test_tally_missing_people_count_as_no_response():
    check = tallies.validate_tally(10, {"genero": {"MASCULINO": 4, "FEMENINO": 5}})
    assert check.warnings and "No responde" in check.warnings[0]
    eff = tallies.effective_counts(10, check.counts)
    assert eff["genero"]["NO_RESPONDE"] == 1 and sum(eff["genero"].values()) == 10


def test_tally_rejects_unknown_categories_and_negative_numbers():
    with pytest.raises(UserError):
        tallies.validate_tally(10, {"genero": {"HOMBRE": 3}})
    with pytest.raises(UserError):
        tallies.validate_tally(10, {"etnia": {"MESTIZO": -1}})


def test_census_categories_map_to_cpccs_buckets():
    out = tallies.cpccs_buckets(
        20, {"etnia": {"NEGRO": 2, "MULATO": 1, "AFROECUATORIANO": 3, "INDIGENA": 5, "MESTIZO": 6, "BLANCO": 1}}
    )
    assert out["etnia"]["buckets"]["AFROECUATORIANOS"] == 6
    assert out["etnia"]["buckets"]["INDÍGENAS"] == 5
    # no CPCCS bucket for blanco / no responde: reported separately
    assert out["etnia"]["aparte"] == {"Blanco/a": 1, "No responde": 2}


def test_mapping_is_data():
    assert "CO" in tallies._data() and "RAIZAL" in tallies.dimensions("CO")["etnia"]["categories"]
