#!/usr/bin/env bash
# The demo: a fresh database, people, example cases, a few moves (one blocked), then the list.
set -euo pipefail
cd "$(dirname "$0")/.."

caseflow db upgrade
caseflow person add anna.handlaggare@example.se --name "Anna Handläggare" --role handlaggare \
    --unit Samhällsutveckling --phone "063-14 00 00"
caseflow person add bo.beslut@example.se --name "Bo Beslutsfattare" --role beslutsfattare \
    --title "Områdeschef Hållbar tillväxt"
caseflow cases import examples/demo_cases.json --actor anna.handlaggare@example.se

export CASEFLOW_ACTOR=anna.handlaggare@example.se
echo
echo "== RUN/600/2025: planering påbörjas"
caseflow case fire RUN/600/2025 start_planning
echo
echo "== RUN/600/2025: ansökan kan inte skickas än (blockerad flytt, exit 1 väntat)"
caseflow case fire RUN/600/2025 send_application || true
caseflow case edit RUN/600/2025 --set end_date=2026-05-31 --set total_budget_sek=600000
caseflow case funder set RUN/600/2025 tillvaxtverket_nationella --amount 300000 --status applied
caseflow case funder set RUN/600/2025 anslag_1_1 --amount 300000 --status applied
caseflow case fire RUN/600/2025 send_application
echo
caseflow case triggers RUN/600/2025
echo
caseflow case show RUN/600/2025
echo
caseflow case history RUN/600/2025
echo
caseflow case list

echo
echo "== Nämndens portfölj: importera rapporten och skriv den igen"
SEED=../shared/seeds/000_308d4dfeb992105d.txt
if [ -f "$SEED" ]; then REPORT="$SEED"; else REPORT=tests/fixtures/portfolio_small.txt; fi
caseflow portfolio import "$REPORT" --update   # updates the two demo cases the report also has
caseflow portfolio snapshot --label "RUN 2025-02-12" --as-of 2025-02-12
mkdir -p demo-output
for fmt in html docx xlsx md; do
    caseflow portfolio report --as-of 2025-02-12 -o "demo-output/portfolj.$fmt"
done

echo
echo "== Delegationsbeslut för RUN/479/2024 (seed 003) som Word, Markdown och HTML"
caseflow cases import examples/RUN-479-2024.json
for fmt in docx md html; do
    caseflow memo render RUN/479/2024 --date 2024-11-22 -o "demo-output/RUN-479-2024.$fmt"
done
caseflow memo finalize RUN/479/2024 --signed-by elin.nirjens@regionjh.se --date 2024-11-22
caseflow decisions unreported

echo
echo "== Nämndens kalender, frister och påminnelser"
MEETING=$(date -d "+120 days" +%F)
caseflow meetings add "$MEETING" --time 09:00
caseflow case schedule RUN/600/2025 --meeting "$MEETING"
caseflow meetings agenda "$MEETING"
caseflow reminders list
caseflow calendar --body RUN -o demo-output/RUN.ics
