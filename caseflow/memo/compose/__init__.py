"""Decision memos drafted from case data: the board's configuration and kinds (`config`), the
Ärendebeskrivning draft (`draft`) and the memo's Markdown (`text`). Pure apart from reading
the configuration and template files."""

from __future__ import annotations

from caseflow.memo.compose.config import (
    FACTS,
    BoardConfig,
    FunderWording,
    KindConfig,
    KindRule,
    KindWhen,
    Signatory,
    cached_board,
    choose_kind,
    load_board,
)
from caseflow.memo.compose.draft import Draft, draft_background, draft_text, swedish_long_date
from caseflow.memo.compose.text import (
    FORMATS,
    MEMOS_DIR,
    MemoCheck,
    MemoText,
    Officer,
    check_memo,
    content_hash,
    distribution,
    officer_from_person,
    render_markdown,
    template_context,
)

__all__ = [
    "FACTS", "FORMATS", "MEMOS_DIR", "BoardConfig", "Draft", "FunderWording", "KindConfig",
    "KindRule", "KindWhen", "MemoCheck", "MemoText", "Officer", "Signatory", "cached_board",
    "check_memo",
    "choose_kind", "content_hash", "distribution", "draft_background", "draft_text",
    "load_board", "officer_from_person", "render_markdown", "swedish_long_date",
    "template_context",
]  # fmt: skip
