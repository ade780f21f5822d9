#!/usr/bin/env bash
# Runs the whole test suite: unit tests, store contract tests, and end-to-end
# tests of the real binary. This is the command the README and CI use.
#
# With HELPDESK_TEST_PG_URL=postgres://USER@HOST:PORT/postgres set, the
# PostgreSQL tests run too (each in a fresh database of its own), and the
# end-to-end suites run a second time with PostgreSQL as the store.
# Without it they say that they were skipped; with CI=true they must run.
set -euo pipefail
cd "$(dirname "$0")/.."
# The web panel's browser tests need Chromium and ChromeDriver (Debian packages).
./scripts/ensure-browser.sh || echo "== no chromium/chromedriver: the browser tests will say SKIPPED ==" >&2
# `serve` across months of recurring requests moves its clock with libfaketime (a Debian package).
./scripts/ensure-faketime.sh >/dev/null || echo "== no libfaketime: tests/serve_recurring.rs will say SKIPPED ==" >&2
# /metrics is linted by Prometheus' promtool and read by its Python client's parser.
./scripts/ensure-prometheus.sh >/dev/null
# The container image's test builds it with podman on a Debian made with debootstrap.
./scripts/ensure-container.sh >/dev/null
cargo test --locked --all-targets "$@"
cargo test --locked --doc
if [ -n "${HELPDESK_TEST_PG_URL:-}" ]; then
  echo "== the end-to-end suites again, on PostgreSQL =="
  HELPDESK_TEST_BACKEND=postgres cargo test --locked \
    --test cli_directory --test cli_requests --test cli_ops --test cli_import_1c --test cli_export \
    --test ops_sla --test services_requests --test services_recurring --test services_stock --test bot_handlers --test bot_e2e \
    --test web_signin --test web_health --test web_metrics --test web_sessions --test web_requests --test web_card --test web_dashboard --test web_employee --test web_people --test web_stock --test web_reports --test web_roles --test web_miniapp --test web_printers --test web_calendars --test web_recurring --test web_refills --test cli_refills --test cli_recurring --test cli_stock --test onec_exchange --test onec_odata "$@"
else
  echo "== PostgreSQL: SKIPPED (set HELPDESK_TEST_PG_URL to run the PostgreSQL tests) =="
fi
