"""Informe en lenguaje claro: periods, figures counted by hand (tests/core/strategy_world.py),
Spanish sentences and one printed page."""

from datetime import date

import pytest

from rcdesk.errors import UserError
from rcdesk.services.citizen_summary import build_citizen_summary, count, number_text, parse_period
from tests.core import strategy_world
from tests.pdf_text import pdf_text


@pytest.fixture
def world(db):
    return strategy_world.build(db)


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2025-C2", date(2025, 5, 1), date(2025, 8, 31)),
        (" 2024-t1 ", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-C3", date(2024, 9, 1), date(2024, 12, 31)),
    ],
)
def test_periods(text, start, end):
    p = parse_period(text)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize(
    "text, message",
    [
        ("2025-C4", "El cuatrimestre 4 no existe"),
        ("2025-T5", "El trimestre 5 no existe"),
        ("2025-X1", "no reconocido"),
        ("primer semestre", "no reconocido"),
        ("1850", "no es válido"),
    ],
)
def test_bad_periods_are_refused_in_spanish(text, message):
    with pytest.raises(UserError, match=message):
        parse_period(text)


def test_numbers_and_counts_the_spanish_way():
    assert number_text(1250) == "1.250" and number_text(83.33, decimals=1) == "83,3"
    assert number_text(100.0, decimals=1) == "100"
    assert count(1, "actividad", "actividades", feminine=True) == "una actividad"
    assert count(3, "aporte", "aportes") == "tres aportes" and count(1540, "persona", "personas") == "1.540 personas"


def test_second_cuatrimestre_figures(db, world):
    s = build_citizen_summary(db, "2024-C2")
    # 2.1 and 2.2 are due 31/08; only 2.1 reached 100 %
    assert (s.activities_planned, s.activities_done) == (2, 1)
    assert str(s.compliance.raw) == "83.33"  # (100 + 100 + 50) / 3 at 31/08
    # audiencia 40 + diálogo 15 + the unlinked deliberación 99 (every plan and event of the year);
    # the team meeting (March) and the planned October dialogue are out
    assert (s.spaces, s.participants) == (3, 154)
    assert s.by_gender == (("Femenino", 22), ("Masculino", 18), ("Sin dato", 114))
    assert (s.contributions, s.incorporated) == (2, 1)
    assert (s.commitments_due, s.commitments_met) == (2, 1)  # due 30/07 (fulfilled) and 15/08 (pending)
    assert s.sentences == (
        "Para este periodo teníamos dos actividades con fecha de entrega. Cumplimos una.",
        "En promedio, avanzamos el 83,3 % de lo que estaba previsto hasta el último día del periodo.",
        "Hicimos tres encuentros con la ciudadanía. Participaron 154 personas.",
        "Ustedes nos dieron dos aportes. Uno se convirtió en compromiso.",
        "Dos compromisos vencían en este periodo. Cumplimos uno.",
    )


def test_one_plan_only_counts_its_own_events(db, world):
    s = build_citizen_summary(db, "2024-C2", plan_id=world["plan_id"])
    assert (s.spaces, s.participants) == (2, 55)
    with pytest.raises(UserError, match="vigencia 2024"):
        build_citizen_summary(db, "2025", plan_id=world["plan_id"])


def test_a_quiet_period_says_so(db, world):
    s = build_citizen_summary(db, "2024-T1")
    assert "En este periodo no hubo encuentros con la ciudadanía." in s.sentences
    assert "Ninguna actividad del plan tenía fecha de entrega en este periodo." in s.sentences


def test_a_period_without_any_data_is_refused(db):
    with pytest.raises(UserError, match="No hay planes ni eventos"):
        build_citizen_summary(db, "2030")


def test_pdf_is_one_page_with_figures_and_sentences(db, world, tmp_path):
    from rcdesk.reports.citizen_pdf import write_pdf

    out = write_pdf(build_citizen_summary(db, "2024-C2"), tmp_path / "ciudadano.pdf")
    text = pdf_text(out)
    assert text.count("\f") == 0  # a single page
    flat = " ".join(text.split())
    for label in (
        "Informe en lenguaje claro",
        "Segundo cuatrimestre de 2024 (mayo a agosto)",
        "83,3 %",
        "154",
        "personas participaron",
        "Lo que hicimos",
        "Cumplimos una.",
        "Lo previsto y lo logrado",
        "¿Quiénes participaron?",
        "Femenino: 22",
    ):
        assert label in flat, label
