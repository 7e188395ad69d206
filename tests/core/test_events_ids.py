"""ID numbers (domain.md §8.1): Ecuadorian cédula/RUC, Colombian cédula/NIT, Excel repairs, masking."""

import pytest

from rcdesk.validation.ids import check_id, format_id, mask_id


@pytest.mark.parametrize("value", ["1714307103", "171430710-3", " 1714307103 ", 1714307103, 1714307103.0])
def test_valid_ecuadorian_cedula_in_any_typing(value):
    r = check_id(value, "EC")
    assert (r.status, r.number, r.id_type) == ("ok", "1714307103", "CEDULA_EC")


@pytest.mark.parametrize(
    "value, reason",
    [
        ("1714307104", "dígito verificador"),
        ("171430710", "10 dígitos"),
        ("9914307103", "provincia"),
        ("17143O7103", "pasaporte"),
    ],
)
def test_invalid_cedula_says_why(value, reason):
    r = check_id(value, "EC", "CEDULA_EC" if "O" not in value else None)
    assert r.status in ("invalid", "warning")
    assert reason in r.message


def test_cedula_that_lost_its_leading_zero_in_excel_is_repaired():
    for raw in (926687856, "926687856", 926687856.0, "9.26687856E+08"):
        r = check_id(raw, "EC")
        assert (r.status, r.number) == ("repaired", "0926687856"), raw
        assert "cero inicial" in r.message


def test_nine_digits_that_are_not_a_cedula_with_zero_stay_invalid():
    assert check_id("926687857", "EC").status == "invalid"


def test_ruc_of_natural_person_and_public_entity_validate():
    assert check_id("1714307103001", "EC").status == "ok"
    assert check_id("1760001550001", "EC").status == "ok"


def test_company_ruc_with_failing_check_digit_only_warns():
    # SRI: company RUCs (3rd digit 6/9) are not all generated with the mod-11 algorithm.
    for ruc in ("1793213150001", "0993370026001"):
        r = check_id(ruc, "EC")
        assert r.status == "warning" and r.acceptable, ruc
        assert "SRI" in r.message


def test_natural_person_ruc_with_bad_cedula_is_invalid():
    assert check_id("1714307104001", "EC").status == "invalid"


def test_colombian_nit_check_digit():
    assert check_id("900373923-8", "CO").status == "ok"
    bad = check_id("900373923-1", "CO")
    assert bad.status == "invalid" and "debería ser 8" in bad.message
    assert format_id("9003739238", "NIT") == "900.373.923-8"


def test_colombian_cedula_rules():
    assert check_id("1020304050", "CO", "CC_CO").status == "ok"
    assert check_id("52123", "CO").status == "ok"
    assert check_id("0123456", "CO").status == "invalid"


def test_empty_id_is_allowed():
    assert check_id("", "EC").status == "empty"
    assert check_id(None, "EC").acceptable


def test_masking_for_published_lists():
    assert mask_id("1714307103") == "17•••••103"
    assert mask_id("") == ""
    assert "4307" not in mask_id("1714307103001")
