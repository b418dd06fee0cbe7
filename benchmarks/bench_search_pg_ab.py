"""PostgreSQL search, A/B on the same data under the same load: the expression index of migration
0015 (the tsvector recomputed per row) against the stored generated column of migration 0022.

Needs the scratch database bench_search.py filled (`--pg URL`); builds the old expression index
beside the new one, runs 30 searches per kind with each, interleaved (A, B, A, B), prints p50 and
p95 in ms, and drops the old index again.

Run: .venv/bin/python benchmarks/bench_search_pg_ab.py [URL]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

from sqlalchemy import text

from caseflow.cases import search
from caseflow.cases.caselist import CaseFilter, find_cases
from caseflow.store.db import Database

OLD = (
    "(setweight(to_tsvector('simple'::regconfig, cases.dnr_prefix || ' ' ||"
    " cases.dnr_serial::text || ' ' || cases.dnr_year::text || ' ' ||"
    " translate(cases.other_diarienummer::text, '/-', '  ')), 'A') ||"
    " setweight(to_tsvector('simple'::regconfig, coalesce(cases.title, '') || ' ' ||"
    " coalesce(cases.purpose, '') || ' ' || coalesce(cases.follow_up_comment, '') || ' ' ||"
    " coalesce(cases.owner, '')), 'B'))"
)
db = Database(
    sys.argv[1] if len(sys.argv) > 1 else "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
)
with db.engine.begin() as c:
    t = time.perf_counter()
    c.execute(text(f"CREATE INDEX IF NOT EXISTS ix_old_expr ON cases USING gin ({OLD})"))
    c.execute(text("ANALYZE cases"))
    print(f"old index built in {time.perf_counter() - t:.1f}s", flush=True)
QUERIES = {
    "common_word": ["besöksnäring", "utveckla", "kompetens", "företagens", "förstudie", "vätgas"],
    "rare_word": ["myra", "grane", "ljus", "norr", "snöe", "broa"],
    "two_words": [
        "fjällturism utveckling",
        "besöksnäring året",
        "digital kompetens",
        "vätgas transporter",
        "bredband landsbygden",
        "cirkulär ekonomi",
    ],
}
rng = random.Random(7)
for kind, words in QUERIES.items():
    res = {}
    for name, vec in (
        ("expression (0015)", OLD),
        ("stored column (0022)", "cases.search_vector"),
        ("expression again", OLD),
        ("stored again", "cases.search_vector"),
    ):
        search.PG_VECTOR = vec
        times = []
        with db.reading() as conn:
            for i in range(30):
                q = words[i % len(words)]
                t = time.perf_counter()
                find_cases(conn, CaseFilter(q=q))
                times.append((time.perf_counter() - t) * 1000)
        times.sort()
        res[name] = (statistics.median(times), times[int(len(times) * 0.95) - 1])
    print(kind, {k: f"p50 {a:.1f} p95 {b:.1f}" for k, (a, b) in res.items()}, flush=True)
with db.engine.begin() as c:
    c.execute(text("DROP INDEX IF EXISTS ix_old_expr"))
print(os.getloadavg())
