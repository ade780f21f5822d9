#!/usr/bin/env bash
# Quick start: builds helpdesk, loads the reference data and demo requests into
# the embedded SQLite default (./helpdesk.db), and shows what is there.
# Run it again at any time: seeding is idempotent, demo requests are added.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
hd="${CARGO_TARGET_DIR:-target}/release/helpdesk"
"$hd" seed --demo --requests "${DEMO_REQUESTS:-20000}" --consumption
echo; echo "== Branches";            "$hd" branches list
echo; echo "== Staff";               "$hd" users list --staff
echo; echo "== Stock below minimum"; "$hd" stock list --low
echo; echo "== What runs out within 30 days, by the forecast, and what to order"
"$hd" stock forecast --within 30d
echo; echo "== Working hours: the sample's office calendar made the organization's default"
"$hd" calendars set UA-OFFICE --default
"$hd" calendars list
echo "(service levels now count these hours: sla-check, the panel, the bot)"
echo; echo "== Recurring: a monthly server-room check for the head office, on the 1st at 09:00"
if ! "$hd" recurring list --format json | grep -q '"id"'; then
  "$hd" recurring add --kind maintenance --branch HQ --every "monthly on 1" --at 09:00 \
    --author 100000001 --assignee 100000002 --description "Monthly server-room check"
fi
"$hd" recurring list
echo "(serve files each one when it falls due; helpdesk recurring run does the same from cron)"
echo; echo "== New requests, highest priority first"
"$hd" requests list --status new --order queue --limit 15
echo
echo "The database is ./helpdesk.db. Try: $hd requests show HD-000001, $hd --help"
