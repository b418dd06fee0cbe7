#!/usr/bin/env bash
# The demo: a fresh database with the seed portfolio, RUN/479/2024, a meeting plan and demo
# accounts; then the web UI, the worker and a local SMTP sink together (Ctrl-C stops all three).
# DEMO_SERVE=0 stops after the data; DEMO_SMOKE=1 starts everything, checks that the web UI
# answers and that the worker delivered the due reminders to the sink, then stops.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${DEMO_PORT:-8000}"
SMTP_PORT="${DEMO_SMTP_PORT:-8025}"
PASSWORD="demo-losenord-2026"

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
echo "== Nämndens portfölj (26 projekt): importera och skriv rapporten igen"
# examples/portfolio.csv holds the facts of the board's portfolio report (seed 000), one row per
# project under the report's own column names, so a fresh clone has the real portfolio.
caseflow portfolio import examples/portfolio.csv --update   # also updates two demo cases
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
echo "== Nämndens sammanträdesplan (onsdagar från om tre veckor), frister och påminnelser"
FIRST=$(date -d "next wednesday + 2 weeks" +%F)
{
    echo "meetings:"
    for weeks in 0 6 12 18 24 30; do
        echo "  - {date: $(date -d "$FIRST + $weeks weeks" +%F), time: \"09:00\"}"
    done
} > demo-output/sammantradesplan.yaml
caseflow meetings import demo-output/sammantradesplan.yaml
caseflow case schedule RUN/600/2025 --meeting "$FIRST"
caseflow case schedule RUN/479/2024 --meeting "$FIRST"
caseflow meetings agenda "$FIRST"
# A project that ends in 30 days: its "ending soon" reminder is due today (on a working day),
# so the worker has an e-mail to deliver to the sink.
caseflow case edit RUN/280/2023 --set end_date="$(date -d "+30 days" +%F)"
caseflow reminders list
DUE_TODAY=$(caseflow reminders list --due-before "$(date +%F)" --json)
caseflow calendar --body RUN -o demo-output/RUN.ics

echo
echo "== Konton för webben (lösenord: $PASSWORD)"
caseflow person add sara.sekreterare@example.se --name "Sara Sekreterare" --role namndsekreterare
caseflow person add admin@example.se --name "Ada Administratör" --role admin
LOGINS=(anna.handlaggare@example.se:handlaggare sebastian.becker@regionjh.se:handlaggare
        bo.beslut@example.se:beslutsfattare elin.nirjens@regionjh.se:beslutsfattare
        sara.sekreterare@example.se:namndsekreterare admin@example.se:admin)
for login in "${LOGINS[@]}"; do
    printf '%s\n' "$PASSWORD" | caseflow user add "${login%%:*}" --role "${login##*:}"
done

echo
echo "== Resultatredovisningen 2025 (förordning 2024:99): anslag 1:1-beslut, utkast, ägare, förslag"
# The portfolio's anslag 1:1 lines carry no amounts or decision dates; complete a few as the
# decisions of 2025 (one of 2024, which the year's sums leave out; one where the region
# co-finances another organisation's project), so section 5 counts and sums by programme.
caseflow case funder set RUN/354/2024 anslag_1_1 --amount 2400000 --status granted --decision-date 2024-11-20
caseflow case funder set RUN/521/2024 anslag_1_1 --amount 1500000 --status granted --decision-date 2025-06-18
caseflow case funder set RUN/448/2022 anslag_1_1 --amount 400000 --status granted --decision-date 2025-03-12
caseflow case funder set RUN/403/2024 anslag_1_1 --amount 500000 --status granted --decision-date 2025-01-22
caseflow case funder set RUN/276/2025 anslag_1_1 --amount 350000 --status granted --decision-date 2025-04-09
caseflow results new 2025
caseflow results owner 2025 1 --email anna.handlaggare@example.se
caseflow results owner 2025 2 --email anna.handlaggare@example.se
caseflow results owner 2025 3 --email sebastian.becker@regionjh.se
caseflow results owner 2025 4 --email sebastian.becker@regionjh.se
caseflow results owner 2025 5 --email anna.handlaggare@example.se
caseflow results owner 2025 6 --email sebastian.becker@regionjh.se
caseflow results prefill 2025
caseflow results moves 2025

if [ "${DEMO_SERVE:-1}" = 0 ]; then exit 0; fi

echo
echo "== Webbgränssnitt, bakgrundsarbetare och lokal e-postmottagare (SMTP-sänka)"
PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
python -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Sink &
PIDS+=($!)
CASEFLOW_SMTP_PORT="$SMTP_PORT" CASEFLOW_BASE_URL="http://127.0.0.1:$PORT" \
    caseflow worker --interval 5 >demo-output/worker.log 2>&1 &
PIDS+=($!)
CASEFLOW_BASE_URL="http://127.0.0.1:$PORT" caseflow serve --port "$PORT" &
PIDS+=($!)
answers() {
    python -c "import sys, urllib.request as u; u.urlopen(sys.argv[1], timeout=2)" \
        "http://127.0.0.1:$PORT/login" 2>/dev/null
}
for _ in $(seq 1 100); do answers && break; sleep 0.2; done
answers || { echo "webbgränssnittet startade inte"; exit 1; }
cat <<INFO

  caseflow körs på http://127.0.0.1:$PORT/

  Logga in med lösenordet $PASSWORD och någon av:
    sebastian.becker@regionjh.se   handläggare för RUN/479/2024
    anna.handlaggare@example.se    handläggare
    elin.nirjens@regionjh.se       beslutsfattare (signerar beslut)
    bo.beslut@example.se           beslutsfattare
    sara.sekreterare@example.se    nämndsekreterare (ser utkorgen)
    admin@example.se               administratör

  Påminnelser som har förfallit skickas av arbetaren till SMTP-sänkan på 127.0.0.1:$SMTP_PORT
  och syns som skickade i Utkorgen. Avsluta med Ctrl-C.
INFO
if [ "${DEMO_SMOKE:-0}" = 1 ]; then
    # Every day of the week: a reminder whose day fell on the weekend before is late, and a late
    # reminder is sent at once, so the worker always has mail for the sink.
    [ "$DUE_TODAY" != "[]" ] || { echo "rökprov: ingen påminnelse förfaller, inget att skicka"; exit 1; }
    for _ in $(seq 1 60); do
        [ "$(caseflow outbox list --status sent --json)" != "[]" ] && break
        sleep 0.5
    done
    [ "$(caseflow outbox list --status sent --json)" != "[]" ] || { echo "inget skickat"; exit 1; }
    caseflow outbox list --status sent
    echo "rökprov klart: webben svarar och arbetaren levererade påminnelser till sänkan"
    exit 0
fi
wait
