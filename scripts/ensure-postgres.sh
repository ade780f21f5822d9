#!/usr/bin/env bash
# Makes sure the PostgreSQL server the tests use is reachable, starting the
# machine's local cluster if it is down and installing the client tools
# (psql, pg_dump, pg_restore) if they are missing. Used by .ci/run.
#   scripts/ensure-postgres.sh [postgres://USER@HOST:PORT/DB]
set -euo pipefail
url="${1:-${HELPDESK_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}}"
hostport="${url#*://}"; hostport="${hostport#*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$hostport" ] && port=5432

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null || ! command -v pg_isready >/dev/null; then
  echo "ensure-postgres: installing the PostgreSQL client tools" >&2
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null
fi

ready() { pg_isready -q -h "$host" -p "$port" -t 2; }
if ! ready; then
  echo "ensure-postgres: no server at $host:$port; starting the local cluster" >&2
  if command -v pg_ctlcluster >/dev/null; then
    for dir in /etc/postgresql/*/*/; do
      [ -d "$dir" ] || continue
      version="$(basename "$(dirname "$dir")")"; cluster="$(basename "$dir")"
      sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
    done
  fi
  for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
if ! ready; then
  echo "ensure-postgres: PostgreSQL is not reachable at $host:$port; start it or set HELPDESK_TEST_PG_URL" >&2
  exit 1
fi
echo "ensure-postgres: PostgreSQL is up at $host:$port" >&2
