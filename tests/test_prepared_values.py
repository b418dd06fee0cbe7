"""Prebuilt statements (`store.prepared`) give the same values SQLAlchemy's own processing gives:
the aware UTC datetimes SQLite stores as text are read by a faster path of their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from caseflow.store.models import UTCDateTime
from caseflow.store.prepared import _sqlite_utc

_DIALECT = sqlite.dialect()
_TYPE = UTCDateTime()
_BIND = _TYPE.dialect_impl(_DIALECT).bind_processor(_DIALECT)
_RESULT = _TYPE.dialect_impl(_DIALECT).result_processor(_DIALECT, None)

moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                       timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))]))  # fmt: skip


@given(moments)
def test_stored_utc_text_reads_back_as_sqlalchemy_reads_it(moment: datetime) -> None:
    assert _BIND is not None and _RESULT is not None
    stored = _BIND(moment)
    assert isinstance(stored, str)
    fast, slow = _sqlite_utc(stored), _RESULT(stored)
    assert fast == slow == moment
    assert fast is not None and fast.tzinfo == UTC == slow.tzinfo


def test_text_with_an_offset_of_its_own_and_none() -> None:
    assert _sqlite_utc("2025-01-05 11:00:00+01:00") == datetime(2025, 1, 5, 10, tzinfo=UTC)
    assert _sqlite_utc("2025-01-05T10:00:00") == datetime(2025, 1, 5, 10, tzinfo=UTC)
    assert _sqlite_utc(None) is None
