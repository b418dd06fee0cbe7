"""A meeting's Word documents: the kallelse with föredragningslista and the protokollsutdrag,
opened again with python-docx and converted by LibreOffice. Built on a municipality-owned
project (a partner decision, point 8.1), a region-owned project and a case with no memo."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from docx import Document

from caseflow.cases.engine import add_person, create_case
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.errors import InputError
from caseflow.meetings.changes import order_agenda
from caseflow.meetings.export import JUSTERING, export_meeting, text
from caseflow.meetings.service import add_meetings, schedule_case
from caseflow.memo.decisions import report
from caseflow.memo.service import finalize_memo, render_memo
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.factories import complete_fields
from tests.office import convert, soffice, text_of

MEMOS = PROJECT_ROOT / "memos"
MUNICIPAL, REGION, NO_MEMO = "RUN/12/2025", "RUN/40/2025", "RUN/41/2025"
OFFICER, DECIDER, CLERK = "ola@region.se", "dora@region.se", "siv@region.se"
MEETING = date(2025, 2, 12)
ENERGY = "Energi & klimat – 100 % förnybart"


def build(db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    add_person(db=db, email=OFFICER, name="Ola Handläggare", roles=["handlaggare"], clock=clock,
               unit="Samhällsutveckling", phone="063-10 00 00")  # fmt: skip
    add_person(db=db, email=DECIDER, name="Dora Beslut", roles=["beslutsfattare"], clock=clock,
               title="Områdeschef")  # fmt: skip
    add_person(db=db, email=CLERK, name="Siv Sekreterare", roles=["namndsekreterare"],
               clock=clock)  # fmt: skip
    cases = {
        MUNICIPAL: {"title": "Bredband i Hackås", "owner": "Östersunds kommun",
                    "owner_is_region": False,
                    "decision_basis": ["Förfrågan från Östersunds kommun"]},
        REGION: {"title": ENERGY, "decision_basis": ["Projektinitiering"]},
        NO_MEMO: {"title": "Besöksnäring i fjällen", "owner": "Bergs kommun",
                  "owner_is_region": False},
    }  # fmt: skip
    for dnr, fields in cases.items():
        data = complete_fields(handlaggare=OFFICER, **fields)
        doc = CaseDoc.model_validate({"diarienummer": dnr, **data})
        create_case(db=db, workflows=workflows, doc=doc, actor=OFFICER, clock=clock)
    add_meetings(db=db, meetings=[("RUN", MEETING, "09:00")], clock=clock)
    for dnr in cases:
        schedule_case(db=db, dnr=dnr, body="RUN", day=MEETING, actor=OFFICER, clock=clock)
    order_agenda(db=db, body="RUN", day=MEETING, dnrs=[REGION, MUNICIPAL])
    for dnr in (MUNICIPAL, REGION):
        render_memo(db=db, memos_dir=MEMOS, clock=clock, dnr=dnr, fmt="md",
                    memo_date=date(2025, 1, 2), actor=OFFICER, signatory_email=DECIDER)  # fmt: skip
    finalize_memo(db=db, memos_dir=MEMOS, clock=clock, dnr=MUNICIPAL, signed_by=DECIDER,
                  decided_on=date(2025, 1, 3))  # fmt: skip


def paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every non-empty paragraph."""
    doc = Document(io.BytesIO(data))
    return [(p.style.name if p.style else "", p.text) for p in doc.paragraphs if p.text.strip()]


def test_kallelse_lists_items_in_order_with_names_and_decisions_to_report(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    build(database, workflows, clock)
    exported = export_meeting(db=database, memos_dir=MEMOS, body="RUN", day=MEETING,
                              kind="kallelse", clock=clock)  # fmt: skip
    assert exported.filename == "kallelse-RUN-2025-02-12.docx"
    found = paragraphs(exported.data)
    texts = [t for _, t in found]
    headings = [t for style, t in found if style.startswith("Heading")]
    assert headings == ["Kallelse och föredragningslista", "Föredragningslista",
                        "Anmälan av delegationsbeslut"]  # fmt: skip
    assert texts[0].splitlines() == [
        "Region Jämtland Härjedalen", "Regionala utvecklingsnämnden", "Kallelse",
        "Sammanträdesdatum: 12 februari 2025 kl. 09.00",
    ]  # fmt: skip
    items = [t for style, t in found if style == "List Number"]
    assert items == [
        f"Energi & klimat – 100 % förnybart, diarienummer {REGION}. Handläggare: Ola Handläggare.",
        f"Bredband i Hackås, diarienummer {MUNICIPAL}. Handläggare: Ola Handläggare.",
        f"Besöksnäring i fjällen, diarienummer {NO_MEMO}. Handläggare: Ola Handläggare.",
    ]
    reported = [t for style, t in found if style == "List Bullet"]
    assert reported == [f"{MUNICIPAL} Bredband i Hackås: delegationsbeslut enligt punkt 8.1, "
                        "fattat 2025-01-03 av Dora Beslut."]  # fmt: skip
    assert not any("@" in t for t in texts)  # names, never e-mail addresses


def test_protokollsutdrag_has_paragraphs_decision_text_justering_and_copies(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    build(database, workflows, clock)
    with pytest.raises(InputError, match="har inte hållits än"):
        export_meeting(db=database, memos_dir=MEMOS, body="RUN", day=MEETING,
                       kind="protokollsutdrag", clock=clock)  # fmt: skip
    clock.advance(timedelta(days=40))  # after the meeting
    report(db=database, body="RUN", day=MEETING, actor=CLERK, clock=clock, paragraph="9")
    exported = export_meeting(db=database, memos_dir=MEMOS, body="RUN", day=MEETING,
                              kind="protokollsutdrag", clock=clock, first_paragraph=5)  # fmt: skip
    found = paragraphs(exported.data)
    texts = [t for _, t in found]
    sections = [t for style, t in found if style == "Heading 1"]
    assert sections == [
        f"§ 5 {ENERGY}", "§ 6 Bredband i Hackås", "§ 7 Besöksnäring i fjällen",
        "§ 9 Anmälan av delegationsbeslut",
    ]  # fmt: skip
    assert texts.count(JUSTERING) == 4
    decisions = [t for style, t in found if style == "List Number"]
    assert any(f"avsätter resurser för att genomföra projektet {ENERGY}." in t for t in decisions)
    assert any("deltar som samverkanspart i projektet Bredband i Hackås, som ägs av "
               "Östersunds kommun" in t for t in decisions)  # fmt: skip
    assert "Inget memo är skrivet i ärendet; beslutet skrivs in i protokollet." in texts
    copies_at = [i for i, t in enumerate(texts) if t == "Utdrag till"]
    assert [texts[i + 1] for i in copies_at] == [
        "Region Jämtland Härjedalen", "Östersunds kommun", "Bergs kommun",
    ]  # fmt: skip
    assert texts[0].splitlines()[2:] == [
        "Protokollsutdrag",
        "Sammanträdesdatum: 12 februari 2025 kl. 09.00",
    ]


def test_cancelled_meeting_and_unknown_kind_are_refused(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    add_meetings(db=sqlite_db, meetings=[("RUN", MEETING, None)], clock=clock)
    with pytest.raises(InputError, match="okänd handling 'protokoll'"):
        export_meeting(db=sqlite_db, memos_dir=MEMOS, body="RUN", day=MEETING,
                       kind="protokoll", clock=clock)  # fmt: skip
    empty = export_meeting(db=sqlite_db, memos_dir=MEMOS, body="RUN", day=MEETING,
                           kind="kallelse", clock=clock)  # fmt: skip
    texts = [t for _, t in paragraphs(empty.data)]
    assert "Inga ärenden står på föredragningslistan." in texts
    assert "Inga delegationsbeslut att anmäla." in texts


def test_case_text_is_literal_markdown() -> None:
    assert text("A*B_[c]") == "A\\*B\\_\\[c\\]"


def test_libreoffice_converts_both_documents(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, tmp_path: Path
) -> None:
    soffice()
    build(sqlite_db, workflows, clock)
    clock.advance(timedelta(days=40))
    for kind in ("kallelse", "protokollsutdrag"):
        exported = export_meeting(db=sqlite_db, memos_dir=MEMOS, body="RUN", day=MEETING,
                                  kind=kind, clock=clock)  # fmt: skip
        source = tmp_path / exported.filename
        source.write_bytes(exported.data)
        assert convert(source, "pdf").read_bytes().startswith(b"%PDF")
        converted = text_of(source)
        if kind == "kallelse":  # LibreOffice draws the list numbers: the order is real
            assert re.search(r"^\s*1\.\s+Energi & klimat – 100 % förnybart", converted, re.M)
        else:
            assert "§ 2 Bredband i Hackås" in converted and "Utdragsbestyrkande" in converted


def test_cli_export_writes_word_files(cli: Run, tmp_path: Path) -> None:
    assert cli("meetings", "add", "2020-06-03", "--time", "13:15")[0] == 0  # held: in the past
    doc = {"diarienummer": "RUN/3/2020", **complete_fields(title="Fjällturism",
                                                          owner="Härjedalens kommun",
                                                          owner_is_region=False)}  # fmt: skip
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert cli("case", "new", "--from-json", str(path))[0] == 0
    assert cli("case", "schedule", "RUN/3/2020", "--meeting", "2020-06-03")[0] == 0
    for kind in ("kallelse", "protokollsutdrag"):
        target = tmp_path / f"{kind}.docx"
        code, out, err = cli("meetings", "export", "2020-06-03", "--kind", kind, "-o", str(target))
        assert code == 0 and f"skrev {target}" in out, err
        texts = [t for _, t in paragraphs(target.read_bytes())]
        assert "Sammanträdesdatum: 3 juni 2020 kl. 13.15" in texts[0]
    assert "§ 1 Fjällturism" in texts and "Härjedalens kommun" in texts
    code, _, err = cli("meetings", "export", "2020-06-03", "--kind", "protokoll", "-o",
                       str(tmp_path / "x.docx"))  # fmt: skip
    assert code == 1 and err.startswith("fel: okänd handling 'protokoll'")
    assert not (tmp_path / "x.docx").exists()


def test_protokollsutdrag_quotes_the_signed_memo_not_the_case_as_edited_since(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    """The decision text comes from the stored bytes of the memo the decision was registered on
    (Markdown here) or, with no decision, the latest memo (Word here): editing the case after
    signing changes the heading's title, never the decision quoted."""
    from caseflow.cases.engine import edit_case

    build(database, workflows, clock)
    render_memo(db=database, memos_dir=MEMOS, clock=clock, dnr=REGION, fmt="docx",
                memo_date=date(2025, 1, 4), actor=OFFICER, signatory_email=DECIDER)  # fmt: skip
    for dnr in (MUNICIPAL, REGION):
        edit_case(db=database, dnr=dnr, changes={"owner": "Bergs kommun",
                                                 "title": "Nytt namn efter beslutet"},
                  actor=OFFICER, clock=clock)  # fmt: skip
    render_memo(
        db=database,
        memos_dir=MEMOS,
        clock=clock,
        dnr=MUNICIPAL,
        fmt="md",
        memo_date=date(2025, 1, 5),
        actor=OFFICER,
    )  # a later memo, not signed
    clock.advance(timedelta(days=40))
    exported = export_meeting(db=database, memos_dir=MEMOS, body="RUN", day=MEETING,
                              kind="protokollsutdrag", clock=clock)  # fmt: skip
    decisions = [t for style, t in paragraphs(exported.data) if style == "List Number"]
    assert any("samverkanspart i projektet Bredband i Hackås, som ägs av Östersunds kommun"
               in t for t in decisions), decisions  # fmt: skip
    assert any(f"genomföra projektet {ENERGY}." in t for t in decisions), decisions
    assert not any("Nytt namn" in t or "Bergs kommun" in t for t in decisions)


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_decision_sentences_read_back_from_every_format(fmt: str) -> None:
    from caseflow.memo.beslut import decision_sentences
    from caseflow.memo.render import markdown_to_docx, markdown_to_html

    markdown = ("## RUN/1/2025\n\n### Beslut om något\n\n#### Ärendebeskrivning\n\n"
                "1. Inte ett beslut.\n\n### Beslut\n\n1. Första beslutet, för Energi \\& "
                "klimat \\*100 %\\*.\n2. Andra\n   beslutet.\n\nAnna Andersson  \nOmrådeschef\n\n"
                "### Anmälan\n\n1. Inte heller.\n")  # fmt: skip
    if fmt == "md":
        data = markdown.encode()
    elif fmt == "html":
        data = markdown_to_html(markdown, title="t").encode()
    else:
        data = markdown_to_docx(markdown, template=MEMOS / "templates" / "memo.docx", title="t")
    assert decision_sentences(data, fmt) == [
        "Första beslutet, för Energi & klimat *100 %*.",
        "Andra beslutet.",
    ]
    assert decision_sentences(b"# Annat\n\n1. x\n", "md") == []
