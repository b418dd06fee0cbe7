"""A closed case with registered documents (a secret incoming PDF, a drawn-up Word file, a
short-lived note), for the archive and retention tests."""

from __future__ import annotations

from pathlib import Path

from caseflow.cases.engine import fire
from caseflow.clock import FakeClock
from caseflow.records.models import SecrecyMark
from caseflow.records.repo import add_handling
from caseflow.records.storage import FolderStore
from caseflow.retention.plan import RetentionPlan, load_plan
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.factories import OFFICER, add_people, make_case
from tests.recordkit import doc_types, docx_bytes, pdf_bytes

DNR = "RUN/479/2024"


def retention_plan() -> RetentionPlan:
    return load_plan(
        PROJECT_ROOT / "records" / "retention.yaml",
        known_doc_types=doc_types().codes,
        known_case_types=["regional_project"],
    )


def closed_case(
    db: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
    dnr: str = DNR, people: bool = True, close: bool = True,
) -> None:  # fmt: skip
    if people:
        add_people(db, clock)
    make_case(db, workflows, clock, dnr, purpose="Kompetens i Västernorrland", area="Näringsliv",
              owner="Mittuniversitetet", handlaggare=OFFICER)  # fmt: skip
    types = doc_types()
    first = add_handling(
        db=db, files=files, types=types, dnr=dnr, direction="in", subject="Ansökan om medel",
        doc_type="ansokan", counterpart="Mittuniversitetet AB", data=pdf_bytes(f"Ansökan {dnr}"),
        filename="Ansökan Mittuniversitetet.pdf", actor=OFFICER, clock=clock,
    )  # fmt: skip
    add_handling(
        db=db, files=files, types=types, dnr=dnr, direction="internal",
        subject="Tjänsteskrivelse", doc_type="tjansteskrivelse", data=docx_bytes(f"TS {dnr}"),
        filename="tjansteskrivelse.docx", actor=OFFICER, clock=clock, final_state="faststalld",
    )  # fmt: skip
    add_handling(
        db=db, files=files, types=types, dnr=dnr, direction="out", subject="Mötesbokning",
        doc_type="korrespondens", counterpart="Mittuniversitetet AB",
        data=f"Hej, vi ses den 3 mars. ({dnr})".encode(), filename="bokning.txt",
        actor=OFFICER, clock=clock,
    )  # fmt: skip
    with db.write() as session:
        session.add(SecrecyMark(
            case_id=first.case_id, handling_id=first.id, osl="OSL 31:16",
            reason="Uppgifter om affärsförhållanden", marked_by=OFFICER, marked_at=clock.now(),
        ))  # fmt: skip
    if close:
        fire(db=db, workflows=workflows, dnr=dnr, trigger="withdraw", actor=OFFICER,
             clock=clock, reason="Projektet genomförs inte")  # fmt: skip


def store_at(path: Path) -> FolderStore:
    return FolderStore(path)
