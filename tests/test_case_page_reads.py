"""The case page's prebuilt reads give what the ORM reads they replace (SQLite, PostgreSQL)."""

from __future__ import annotations

from caseflow.cases.engine import moves_of
from caseflow.cases.people import add_person, officers
from caseflow.clock import FakeClock
from caseflow.domain.dnr import parse_dnr
from caseflow.store.casemap import case_to_dict
from caseflow.store.caseread import read_case_facts, read_officers, read_signatories
from caseflow.store.db import Database
from caseflow.store.prepared import cursor_in
from caseflow.store.repo import list_people, require_case
from caseflow.workflow.registry import WorkflowRegistry
from tests.factories import CLERK, OFFICER, add_people, complete_fields, make_case


def test_the_case_its_moves_and_the_people_read_as_through_the_orm(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    add_people(database, clock)
    for email, name, title in (("ob@regionjh.se", "Örjan Ordförande", "ordförande"),
                               ("ab@regionjh.se", "Åsa Berg", None),
                               ("zz@regionjh.se", "Åke Zetterlund", "chef")):  # fmt: skip
        add_person(db=database, email=email, name=name, title=title, clock=clock,
                   roles=["beslutsfattare", "handlaggare"])  # fmt: skip
    make_case(database, workflows, clock, "RUN/7/2025", **complete_fields(handlaggare=OFFICER))
    make_case(database, workflows, clock, "RUN/8/2025")  # no funders, nothing filled in
    for dnr in ("RUN/7/2025", "RUN/8/2025"):
        with database.read() as session:
            case = require_case(session=session, dnr=parse_dnr(dnr))
            with cursor_in(session.connection()) as tx:
                found = read_case_facts(tx=tx, dnr=parse_dnr(dnr))
                signatories = read_signatories(tx=tx)
                people = read_officers(tx=tx)
            assert found is not None
            facts, data, updated_at = found
            assert data == case_to_dict(case)
            assert (facts.id, facts.row_version, updated_at) == (
                case.id,
                case.row_version,
                case.updated_at,
            )
            for actor in (OFFICER, CLERK):
                by_orm = moves_of(session=session, workflows=workflows, case=case, actor=actor)
                roles = next(p.roles for p in list_people(session=session) if p.email == actor)
                by_facts = moves_of(session=session, workflows=workflows, case=facts,
                                    actor=actor, roles=roles)  # fmt: skip
                assert by_facts == by_orm
            assert people == officers(session=session) and len(people) == 4
            assert len(signatories) == 2
            assert signatories == [
                (p.email, f"{p.name}, {p.title}") for p in list_people(session=session)
                if "beslutsfattare" in p.roles and p.title
            ]  # fmt: skip
    with database.read() as session, cursor_in(session.connection()) as tx:
        assert read_case_facts(tx=tx, dnr=parse_dnr("RUN/9/2025")) is None
