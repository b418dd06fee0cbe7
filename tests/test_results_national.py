"""The national compilation: the parser on a small compilation of our own and on the seed (all
21 regions), and import/list/search/export on every backend."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from caseflow.errors import InputError
from caseflow.results.national import REGIONS, parse_compilation, reflow, region_key
from caseflow.results.national_models import NationalResult
from caseflow.results.national_service import (
    export_national,
    import_compilation,
    list_national,
    section_counts,
)
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from tests.conftest import FakeClock

SMALL = Path(__file__).parent / "fixtures" / "national_small.txt"
SEED = PROJECT_ROOT.parent / "shared" / "seeds" / "002_1a4d85b2a645c848.txt"
needs_seed = pytest.mark.skipif(
    not SEED.is_file(),
    reason="the seed compilation (../shared/seeds/002_*) is not beside this checkout",
)
#: Table rows per section read from the seed (reviewed by hand against the text: see the module
#: docstring of caseflow/results/national.py for what is read as a row).
SEED_ROWS = {1: 82, 2: 87, 3: 94, 4: 86, 5: 47, 6: 43, 7: 87}


def small() -> str:
    return SMALL.read_text(encoding="utf-8")


def test_the_small_compilation_rows_columns_and_no_tabular_regions() -> None:
    parsed = parse_compilation(small(), source="national_small.txt")
    assert parsed.year == 2023
    assert sorted(parsed.sections) == [1, 5, 8]
    assert parsed.regions == ["Blekinge", "Jämtland Härjedalen", "Östergötland"]
    assert {n: dict(c) for n, c in parsed.counts().items()} == {
        1: {"Blekinge": 1, "Jämtland Härjedalen": 1, "Östergötland": 1},
        5: {"Blekinge": 1, "Östergötland": 1},
        8: {},
    }
    assert parsed.no_tabular == {5: ["Jämtland Härjedalen"]}
    first = parsed.table_rows[0]
    assert (first.region, first.insats) == ("Blekinge", "Servicepunkter på landsbygden (RSP)")
    # the columns are reflowed; `text` keeps the PDF's lines
    assert first.prestationer == "Tre nya servicepunkter har öppnat i Olofström och Sölvesborg."
    assert first.effekter.startswith("Förväntade effekter Bättre tillgång")
    assert first.mal == "Mål i RUS:\nStärkt attraktivitet särskilt för unga."
    assert first.text.startswith("Servicepunkter på landsbygden\n(RSP)\nTre nya")
    # cell text that begins with a region's name stays in its cell
    jamtland = parsed.table_rows[1]
    assert "Östergötland Bygger Klimatneutralt" in jamtland.text  # after "… och"
    assert "Blekinge Tekniska Högskola" in jamtland.text  # out of the regions' order
    assert jamtland.mal == "Bidrar till målbilden för Jämtlands län 2050"
    assert "Östergötland ska vara klimatneutralt" in parsed.table_rows[2].text  # small letter
    assert "9" not in parsed.table_rows[1].text.split("\n")  # the page number is dropped
    assert parsed.notes == [
        *(f"avsnitt {n} hittades inte (ingen rubrik följd av tabellens huvud); dess rader kan "
          "ha lästs in under avsnittet före" for n in (2, 3, 4, 6, 7)),
        'rad 50: "Blekinge …" i avsnitt 1 lästes som text i cellen ovanför '
        "(regionerna står i bokstavsordning)",
    ]  # fmt: skip


def test_the_small_compilation_section_8_prose() -> None:
    parsed = parse_compilation(small(), source="national_small.txt")
    assert [(p.region, p.question) for p in parsed.prose] == [
        (r, f"8.{q}") for r in ("Blekinge", "Jämtland Härjedalen", "Östergötland")
        for q in range(1, 7)
    ]  # fmt: skip
    by_key = {(p.region, p.question): p.text for p in parsed.prose}
    assert by_key[("Blekinge", "8.3")] == "Ja.\nAnslaget växlar upp medel från strukturfonderna."
    # "Region Kronoberg" in a list of partners just before 8.6 is text, not a region
    assert by_key[("Jämtland Härjedalen", "8.5")].endswith("Region Gotland\nRegion Kronoberg")
    assert by_key[("Jämtland Härjedalen", "8.6")].startswith("Hela länet")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "x.txt: filen är tom"),
        ("  \n\n \n", "x.txt: filen är tom"),
        ("Protokoll\n\nRegion Blekinge\n", 'x.txt: rad 1: ingen tabell med rubriken "Region Namn'),
        ("abc\x00def", "x.txt: filen är inte text"),
    ],
)
def test_what_is_not_a_compilation_is_refused_naming_file_and_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse_compilation(text, source="x.txt")
    assert str(err.value).startswith(message)


def test_a_section_twice_or_without_rows_is_refused_with_its_line() -> None:
    head = small().split(" 5 Jämställdhet")[0]
    with pytest.raises(InputError, match=r"x.txt: rad \d+: avsnitt 1 finns redan på rad 1"):
        parse_compilation(head + head, source="x.txt")
    empty = head.split("Blekinge Servicepunkter")[0]
    with pytest.raises(InputError, match=r"x.txt: rad 1: avsnitt 1 har ingen rad som börjar med"):
        parse_compilation(empty, source="x.txt")


def test_reflow_joins_the_pdf_lines_of_a_paragraph() -> None:
    text = (
        "Kunskapsunderlag om utveck-\nlingen i länet.\n• Två seminarier\n• Malmö-\nTrelleborg\n"
        "Mål:\nEtt"
    )
    assert reflow(text) == (
        "Kunskapsunderlag om utvecklingen i länet.\n• Två seminarier\n• Malmö-Trelleborg\nMål:\nEtt"
    )


def test_region_names_in_their_several_forms() -> None:
    assert region_key("Region Jämtland Härjedalen") == "Jämtland Härjedalen"
    assert region_key("Jönköpings län") == "Jönköping"
    assert region_key("Västra Götalandsregionen") == "Västra Götaland"
    assert region_key("  region  ÖREBRO län ") == "Örebro"
    assert region_key("Lappland") is None


@needs_seed
def test_the_seed_compilation_has_all_21_regions() -> None:
    parsed = parse_compilation(SEED.read_text(encoding="utf-8"), source=SEED.name)
    assert parsed.year == 2023
    assert parsed.regions == list(REGIONS)
    counts = parsed.counts()
    assert {n: sum(c.values()) for n, c in counts.items() if n != 8} == SEED_ROWS
    for number in range(1, 8):
        reported = set(counts[number]) | set(parsed.no_tabular.get(number, []))
        assert reported == set(REGIONS), number  # every region: rows or "inga insatser"
    assert parsed.no_tabular == {
        5: ["Jämtland Härjedalen", "Kalmar", "Örebro"],
        6: ["Jämtland Härjedalen", "Västmanland", "Örebro"],
        7: ["Blekinge"],
    }
    assert len(parsed.prose) == 21 * 6
    assert {(p.region, p.question) for p in parsed.prose} == {
        (r, f"8.{q}") for r in REGIONS for q in range(1, 7)
    }
    own = [r for r in parsed.table_rows if r.region == "Jämtland Härjedalen" and r.section == 1]
    assert own[0].insats.startswith("Arbete med Service-Z")
    # After a cell ending in a stray comma ("… och tillgänglighet,"): a row of its own.
    osn = next(r for r in parsed.table_rows if r.line == 18120)
    assert (osn.section, osn.region, osn.insats) == (4, "Norrbotten", "OSN IT Norrbotten")
    assert parsed.notes == []


def test_import_list_search_and_replace(database: Database, clock: FakeClock) -> None:
    summary = import_compilation(db=database, text_=small(), source="national_small.txt",
                                 actor="eva@region.se", clock=clock)  # fmt: skip
    assert (summary.year, summary.total_rows, summary.prose, summary.replaced) == (2023, 5, 18, 0)
    assert summary.rows[5] == {"Blekinge": 1, "Östergötland": 1}
    assert summary.no_tabular == {5: ["Jämtland Härjedalen"]}
    listing = list_national(db=database)
    assert listing.year == 2023 and len(listing.entries) == 5 + 1 + 18
    assert {e.kind for e in listing.entries} == {"row", "none", "prose"}
    # the own region (Region Jämtland Härjedalen) first in each section, marked
    own_first = list_national(db=database, section=1, own_first=True).entries
    assert [(e.region, e.own) for e in own_first] == [
        ("Jämtland Härjedalen", True), ("Blekinge", False), ("Östergötland", False),
    ]  # fmt: skip
    own, others = list_national(db=database, section=8).beside()
    assert {e.region for e in own} == {"Jämtland Härjedalen"} and len(others) == 12
    # words: every word a word's beginning, Swedish letters case-folded
    assert [e.region for e in list_national(db=database, search="LADDINFRA").entries] == [
        "Östergötland"
    ]
    found = list_national(db=database, search="östergötland klimatneutralt").entries
    assert {(e.region, e.section) for e in found} == {
        ("Jämtland Härjedalen", 1),
        ("Östergötland", 1),
    }
    assert list_national(db=database, search="servicepunkter", region="Region Blekinge").entries
    assert not list_national(db=database, search="servicepunkter", region="Dalarna").entries
    interreg = list_national(db=database, search="Interreg", section=8, region="Östergötland")
    assert [e.question for e in interreg.entries] == ["8.5"]
    assert not list_national(db=database, search="ostergotland").entries  # å/ä/ö kept apart
    again = import_compilation(db=database, text_=small(), source="national_small.txt",
                               actor="eva@region.se", clock=clock)  # fmt: skip
    assert again.replaced == 24
    assert len(list_national(db=database).entries) == 24
    other_year = import_compilation(db=database, text_=small(), source="n.txt", actor="eva",
                                    clock=clock, year=2022)  # fmt: skip
    assert other_year.replaced == 0
    assert list_national(db=database).years == [2023, 2022]
    assert len(list_national(db=database, year=2022).entries) == 24
    assert section_counts(db=database, year=2023)[1]["Blekinge"] == 1


def test_bad_input_changes_nothing(database: Database, clock: FakeClock) -> None:
    import_compilation(db=database, text_=small(), source="a.txt", actor="eva", clock=clock)
    with pytest.raises(InputError, match="b.txt: filen är tom"):
        import_compilation(db=database, text_="", source="b.txt", actor="eva", clock=clock)
    with pytest.raises(InputError, match="ogiltigt år 1999"):
        import_compilation(db=database, text_=small(), source="a.txt", actor="eva", clock=clock,
                           year=1999)  # fmt: skip
    with database.reading() as conn:
        assert conn.execute(select(func.count()).select_from(NationalResult)).scalar_one() == 24
    with pytest.raises(InputError, match="okänd region 'Lappland'"):
        list_national(db=database, region="Lappland")
    with pytest.raises(InputError, match="ogiltigt avsnitt 9"):
        list_national(db=database, section=9)


def test_export_csv_and_xlsx(database: Database, clock: FakeClock) -> None:
    import_compilation(db=database, text_=small(), source="a.txt", actor="eva", clock=clock)
    listing = list_national(db=database, section=1, own_first=True)
    csv = export_national(listing, "csv").decode("utf-8")
    assert csv.startswith("\ufeffÅr;Avsnitt;Slag;Region;Fråga;Namn på insats")
    assert "2023;1;tabellrad;Jämtland Härjedalen;;Regionalt serviceprogram 2023–2030" in csv
    book = load_workbook(io.BytesIO(export_national(listing, "xlsx")))
    rows = list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][3] == "Region" and len(rows) == 4
    assert rows[1][3] == "Jämtland Härjedalen" and rows[2][8].startswith("Mål i RUS:")
    with pytest.raises(InputError, match="okänt format 'pdf'"):
        export_national(listing, "pdf")


@needs_seed
def test_the_seed_imports_with_all_21_regions(database: Database, clock: FakeClock) -> None:
    summary = import_compilation(db=database, text_=SEED.read_text(encoding="utf-8"),
                                 source=SEED.name, actor="eva", clock=clock)  # fmt: skip
    assert summary.regions == list(REGIONS) and summary.total_rows == sum(SEED_ROWS.values())
    counts = section_counts(db=database, year=2023)
    assert {n: sum(c.values()) for n, c in counts.items()} == SEED_ROWS
    hits = list_national(db=database, search="havsbaserad vindkraft").entries
    assert "Blekinge" in {e.region for e in hits}


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: t.replace(" \n\n", " \n"), id="no-blank-lines"),
        pytest.param(
            lambda t: t.replace("Jämtland Härjedalen", "Jämtland\xa0Härjedalen"), id="nbsp"
        ),
        pytest.param(lambda t: t.replace("\n ", "\n\t"), id="tabs"),
    ],
)
def test_the_small_compilation_read_through_damage(damage: Callable[[str], str]) -> None:
    clean = parse_compilation(small())
    damaged = parse_compilation(damage(small()))
    assert {n: dict(c) for n, c in damaged.counts().items()} == {
        n: dict(c) for n, c in clean.counts().items()
    }
    assert damaged.no_tabular == clean.no_tabular
    assert [(p.region, p.question) for p in damaged.prose] == [
        (p.region, p.question) for p in clean.prose
    ]


def test_a_section_whose_header_is_lost_is_noted() -> None:
    text = small().replace(" 5 Jämställdhet \nRegion Namn på insats", " 5 Jämställdhet \nRegion")
    parsed = parse_compilation(text, source="x.txt")
    assert sorted(parsed.sections) == [1, 8]
    assert parsed.notes[0].startswith("avsnitt 2 hittades inte")
    assert "avsnitt 5 hittades inte" in " ".join(parsed.notes)


def test_a_stray_comma_ends_a_cell_but_a_broken_list_goes_on() -> None:
    """A line "Region …" after a line ending in a comma, with a row of that region open: a list
    broken off (a name before the comma, or the line listing on) is cell text; a cell that merely
    ends in a comma lets the next row start (the seed's "Norrbotten OSN IT Norrbotten")."""
    parsed = parse_compilation(
        (Path(__file__).parent / "fixtures" / "national_listing.txt").read_text(encoding="utf-8"),
        source="national_listing.txt",
    )
    rows = parsed.table_rows
    assert [(r.region, r.insats.split(" Påbörjat")[0]) for r in rows[:2]] == [
        ("Norrbotten", "Hamnens kapacitet"), ("Norrbotten", "Bredband mellan orter"),
    ]  # fmt: skip
    assert rows[0].text.endswith("Hållbara transporter och tillgänglighet,")
    assert rows[1].line == 28 and rows[1].text.startswith("Bredband mellan orter\nBygga")
    # "…, Energimyndigheten," then "Stockholm Exergi, …" and "…, länsstyrelsen," then
    # "Stockholm Stad och …": the lists go on in their rows.
    stockholm = [r for r in rows if r.region == "Stockholm"]
    assert [r.line for r in stockholm] == [36, 46, 54, 58]
    assert "Stockholm Exergi, Svenska kraftnät och\nVattenfall." in stockholm[0].text
    assert stockholm[0].mal == "Mål i RUS: En tillgänglig region."
    assert "Stockholm Stad och Trafikverket." in stockholm[1].text
    # A goal ending in a stray comma before a row titled without a list: a row of its own.
    assert stockholm[2].text.endswith("En tillgänglig region,")
    assert stockholm[3].insats.startswith("Tågpendel")
    assert len(rows) == 6
