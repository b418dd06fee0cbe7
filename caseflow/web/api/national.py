"""/api/v1/national-results: the national compilation of the regions' results reports — rows of
sections 1–7, "inga insatser i tabellform" marks and section 8's prose — filtered by year,
region, section and words (Swedish full text), the own region's entries marked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Security
from pydantic import BaseModel, Field

from caseflow.results.national_service import list_national
from caseflow.web.api.common import ApiRoute, ApiUser, Context, bearer, errors

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])
TAG = "Resultatredovisning"


class NationalEntryOut(BaseModel):
    year: int
    kind: str = Field(description="row (tabellrad), none (inga insatser i tabellform), prose")
    section: int
    region: str
    position: int = Field(description="Postens plats i sammanställningen")
    line: int = Field(description="Raden i den inlästa filen")
    question: str = Field(description="8.1–8.6 för avsnitt 8, annars tomt")
    question_text: str
    insats: str
    prestationer: str
    effekter: str
    mal: str
    text: str = Field(description="Hela texten; kolumnerna är en uppdelning av den")
    own: bool = Field(description="Den egna regionen")


class NationalOut(BaseModel):
    year: int | None = Field(description="None: ingen sammanställning är inläst")
    years: list[int]
    own_region: str
    entries: list[NationalEntryOut]


@router.get("/national-results", tags=[TAG], summary="Den nationella sammanställningen",
            responses=errors(400))  # fmt: skip
def national_results(
    user: ApiUser,
    ctx: Context,
    year: Annotated[
        int | None, Query(ge=2000, le=2100, description="Året (annars senaste)")
    ] = None,
    region: Annotated[str | None, Query(max_length=100, examples=["Jämtland Härjedalen"])] = None,
    section: Annotated[int | None, Query(ge=1, le=8)] = None,
    search: Annotated[
        str | None, Query(max_length=300, description="Ord (svensk fulltext)")
    ] = None,
    own_first: Annotated[
        bool, Query(description="Den egna regionen först i varje avsnitt")
    ] = False,
) -> NationalOut:
    """The entries matching every filter, in the compilation's order."""
    listing = list_national(db=ctx.db, year=year, region=region, section=section, search=search,
                            own_first=own_first)  # fmt: skip
    return NationalOut(
        year=listing.year, years=listing.years, own_region=listing.own_region,
        entries=[NationalEntryOut(**e.to_dict()) for e in listing.entries],
    )  # fmt: skip
