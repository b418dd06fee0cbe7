"""Page: the national compilation of the 21 regions' results reports — search it by region,
section and words, the own region's rows first and marked in each section beside the others',
section 8's prose per region, and the selection as csv or xlsx."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from caseflow.errors import CaseflowError, InputError
from caseflow.results.national import QUESTION_TEXT, REGIONS, SECTION_TITLES, reflow
from caseflow.results.national_export import EXPORT_FORMATS
from caseflow.results.national_service import (
    NationalEntry,
    NationalListing,
    export_national,
    list_national,
    own_region,
)
from caseflow.web.downloads import download
from caseflow.web.security import PageUser, page_user, web
from caseflow.web.status import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
Text = Annotated[str | None, Query(max_length=300)]


@dataclass
class SectionView:
    number: int
    title: str
    own: list[NationalEntry] = field(default_factory=list)
    others: list[NationalEntry] = field(default_factory=list)
    none: list[str] = field(default_factory=list)  # regions with no tabular insatser


@dataclass
class ProseView:
    region: str
    own: bool
    answers: list[tuple[str, str, str]] = field(default_factory=list)  # number, question, text


def _section(value: str | None) -> int | None:
    if not value or not value.strip():
        return None
    if not value.strip().isdigit() or not 1 <= int(value) <= 8:
        raise InputError(f"ogiltigt avsnitt {value[:10]!r}; välj 1–8")
    return int(value)


def _year(value: str | None) -> int | None:
    if not value or not value.strip():
        return None
    if not value.strip().isdigit() or len(value.strip()) != 4:
        raise InputError(f"ogiltigt år {value[:10]!r}; skriv t.ex. 2023")
    return int(value)


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _listing(request: Request, year: str | None, region: str | None, section: str | None,
             q: str | None) -> NationalListing:  # fmt: skip
    return list_national(db=web(request).db, year=_year(year), region=_clean(region),
                         section=_section(section), search=_clean(q), own_first=True)  # fmt: skip


def _views(listing: NationalListing) -> tuple[list[SectionView], list[ProseView]]:
    sections: dict[int, SectionView] = {}
    prose: dict[str, ProseView] = {}
    for entry in listing.entries:
        if entry.kind == "prose":
            view = prose.setdefault(entry.region, ProseView(entry.region, entry.own))
            view.answers.append((entry.question, QUESTION_TEXT.get(entry.question, ""),
                                 reflow(entry.text)))  # fmt: skip
            continue
        number = entry.section
        section = sections.setdefault(number, SectionView(number, SECTION_TITLES.get(number, "")))
        if entry.kind == "none":
            section.none.append(entry.region)
        elif entry.own:
            section.own.append(entry)
        else:
            section.others.append(entry)
    rank = {name: i for i, name in enumerate(REGIONS)}
    ordered_prose = sorted(prose.values(), key=lambda p: (not p.own, rank.get(p.region, 99)))
    return [sections[n] for n in sorted(sections)], ordered_prose


@router.get("/results/national")
def national_page(  # "Alla avsnitt" sends section="": every section
    request: Request, user: User, year: Text = None, region: Text = None, section: Text = None,
    q: Text = None,
) -> Response:  # fmt: skip
    if section is None and not (region or q):
        section = "1"  # the first visit shows section 1 (all 658 entries are 1.3 MB of HTML)
    filters = {"year": year or "", "region": region or "", "section": section or "", "q": q or ""}
    error = None
    status_code = 200
    try:
        listing = _listing(request, year, region, section, q)
    except CaseflowError as err:
        error, status_code = str(err), status_of(err)
        listing = NationalListing(None, [], [], own_region())
    sections, prose = _views(listing)
    query = urlencode({k: v for k, v in filters.items() if v})
    rows = sum(len(s.own) + len(s.others) for s in sections)
    return render(request, "national.html", {
        "user": user, "listing": listing, "sections": sections, "prose": prose,
        "filters": filters, "regions": REGIONS, "section_titles": SECTION_TITLES,
        "query": query, "row_count": rows, "error": error,
    }, status_code=status_code)  # fmt: skip


@router.get("/results/national/export.{fmt}")
def national_export(
    request: Request, user: User, fmt: str, year: Text = None, region: Text = None,
    section: Text = None, q: Text = None,
) -> Response:  # fmt: skip
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"okänt format för nedladdning; välj {' eller '.join(EXPORT_FORMATS)}")
    listing = _listing(request, year, region, section, q)
    if listing.year is None:
        raise InputError("ingen nationell sammanställning är inläst")
    data = export_national(listing, fmt)
    return download(data, fmt=fmt, filename=f"nationell-sammanställning-{listing.year}.{fmt}")
