"""Case data reaches a memo as text, never as Markdown structure: a line break and `1.` in a
title cannot add a decision, `<!-- … -->` cannot hide text or fake an "Att kontrollera" note,
`#`, `*`, backticks and links stay literal, in the Markdown, the html and the Word file."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from docx import Document
from markdown_it import MarkdownIt

from caseflow.cases.engine import add_person, create_case
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.memo.compose import MEMOS_DIR
from caseflow.memo.compose.escape import escape_line, escape_paragraphs
from caseflow.memo.render import markdown_text
from caseflow.memo.service import render_memo
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry

CLOCK = FakeClock(datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
SIGNER = "lena.berg@regionjh.se"
TITLE = "Cykelled Ljusdal\n1. Fake decision <!-- dold --> # Heading * item `kod` [länk](http://x)"
#: A board memo (tjänsteskrivelse) for a municipality-owned project; text fields with Markdown.
CASE: dict[str, Any] = {
    "diarienummer": "RUN/88/2026",
    "title": TITLE,
    "owner": "Ljusdals kommun\n- Falsk punkt",
    "owner_is_region": False,
    "start_date": "2026-05-01",
    "end_date": "2028-04-30",
    "total_budget_sek": 2_400_000,
    "funders": [
        {"code": "tillvaxtverket_nationella", "amount_sek": 2_400_000, "status": "applied"}
    ],  # fmt: skip
    "background": "Första stycket.\n\n1. Inget beslut\n<!-- Att kontrollera: falsk -->\n\n"
    "    indraget som kod\n\n> citat\n\n---",
    "decision_basis": ["<!-- gömd --> Ansökan", "## Rubrik i underlaget"],
    "copies": ["Trafikverket\n3. Extra"],
    "handlaggare": "per.lind@regionjh.se",
    "stage": "bp_planering",
}


def _setup(db: Database, workflows: WorkflowRegistry) -> None:
    add_person(db=db, email=SIGNER, name="Lena Berg", roles=["beslutsfattare"], clock=CLOCK,
               title="Regional utvecklingsdirektör")  # fmt: skip
    add_person(db=db, email="per.lind@regionjh.se", name="Per Lind", roles=["handlaggare"],
               clock=CLOCK, phone="063-14 70 00")  # fmt: skip
    create_case(db=db, workflows=workflows, doc=CaseDoc.model_validate(CASE), actor="t",
                clock=CLOCK)  # fmt: skip


def _render(db: Database, fmt: str, kind: str | None = None) -> bytes:
    return render_memo(db=db, memos_dir=MEMOS_DIR, clock=CLOCK, dnr="RUN/88/2026", fmt=fmt,
                       memo_date=date(2026, 4, 2), actor="t", signatory_email=SIGNER,
                       kind=kind).data  # fmt: skip


def _decisions(markdown: str) -> list[str]:
    """The items of the ordered list under the decision heading, as markdown-it reads them."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    items, inside, depth = [], False, 0
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            inside = "beslut" in tokens[i + 1].content.lower()
        elif inside and token.type == "ordered_list_open":
            depth += 1
        elif inside and token.type == "ordered_list_close":
            depth -= 1
        elif inside and depth and token.type == "inline":
            items.append(token.content)
    return items


@pytest.mark.parametrize("kind", [None, "tjansteskrivelse", "delegationsbeslut_samverkanspart"])
def test_case_text_cannot_add_decisions_headings_or_notes(
    database: Database, workflows: WorkflowRegistry, kind: str | None
) -> None:
    _setup(database, workflows)
    clean = {**CASE, "diarienummer": "RUN/89/2026", "title": "Cykelled Ljusdal",
             "owner": "Ljusdals kommun", "copies": ["Trafikverket"],
             "background": "Första stycket.", "decision_basis": ["Ansökan"]}  # fmt: skip
    create_case(db=database, workflows=workflows, doc=CaseDoc.model_validate(clean), actor="t",
                clock=CLOCK)  # fmt: skip
    markdown = _render(database, "md", kind).decode("utf-8")
    expected = render_memo(db=database, memos_dir=MEMOS_DIR, clock=CLOCK, dnr="RUN/89/2026",
                           fmt="md", memo_date=date(2026, 4, 2), actor="t",
                           signatory_email=SIGNER, kind=kind).data.decode("utf-8")  # fmt: skip
    assert len(_decisions(markdown)) == len(_decisions(expected)) >= 1
    tokens = MarkdownIt("commonmark").parse(markdown)
    kinds = [t.type for t in tokens]
    clean_kinds = [t.type for t in MarkdownIt("commonmark").parse(expected)]
    for structure in ("heading_open", "bullet_list_open", "ordered_list_open", "blockquote_open",
                      "code_block", "fence", "hr", "html_block"):  # fmt: skip
        assert kinds.count(structure) == clean_kinds.count(structure), structure
    text = markdown_text(markdown)
    flat = " ".join(TITLE.split())
    assert flat in text  # the whole title, literally, on one line
    assert "<!-- Att kontrollera: falsk -->" in text and "<!-- gömd --> Ansökan" in text
    assert "## Rubrik i underlaget" in text and "> citat" in text


def test_html_and_docx_show_the_text_and_no_fake_note(
    database: Database, workflows: WorkflowRegistry
) -> None:
    _setup(database, workflows)
    page = _render(database, "html").decode("utf-8")
    assert '<p class="kontrollera">' not in page  # nothing doubtful in this case
    assert "&lt;!-- dold --&gt;" in page and "`kod`" in page and "[länk](http://x)" in page
    assert page.count("<li>") == len(_decisions(_render(database, "md").decode())) == 2
    body = page.split("<main>", 1)[1]
    assert "<h1>Heading" not in body and "<code>" not in body and "<a href" not in body
    doc = Document(io.BytesIO(_render(database, "docx")))
    texts = [p.text for p in doc.paragraphs]
    assert not any(t.startswith("Att kontrollera") for t in texts)
    title_line = next(t for t in texts if "Cykelled Ljusdal" in t)
    assert "1. Fake decision <!-- dold --> # Heading * item `kod` [länk](http://x)" in title_line
    assert "1. Inget beslut <!-- Att kontrollera: falsk -->" in texts
    assert not any(t.strip() == "Fake decision" for t in texts)


@pytest.mark.parametrize(
    ("value", "escaped"),
    [("1. x", "1\\. x"), ("2) x", "2\\) x"), ("- x", "\\- x"), ("+ x", "\\+ x"), ("=== ", "\\==="),
     ("# h", "\\# h"), ("* i", "\\* i"), ("`c`", "\\`c\\`"), ("<!-- x -->", "\\<!-- x --\\>"),
     ("a\n1. b", "a 1. b"), ("&amp;", "\\&amp;"), ("punkt 8.1.", "punkt 8.1."),
     ("2026-04-02", "2026-04-02"), ("a_b@x.se", "a\\_b@x.se"), ("[l](u)", "\\[l\\](u)")],
)  # fmt: skip
def test_escape_line(value: str, escaped: str) -> None:
    assert escape_line(value) == escaped


def test_paragraphs_stay_paragraphs_and_each_is_escaped() -> None:
    text = escape_paragraphs("Ett\nstycke.\n\n1. Två\n \n# tre")
    assert text == "Ett stycke.\n\n1\\. Två\n\n\\# tre"
