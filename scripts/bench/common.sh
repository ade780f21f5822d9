# Sourced by the benchmarks in this folder (not run by itself): what each one
# does before it measures. The caller has `set -euo pipefail` and has changed
# into the repository's root.

repo="$PWD"
# Where the caller ran the script from (it changed into the root just before).
caller="${OLDPWD:-$PWD}"
# Where cargo builds, as cargo itself says (CARGO_TARGET_DIR or a config's target-dir).
target_dir() {
  cargo metadata --no-deps --format-version 1 | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p'
}

# need COMMAND[:PACKAGE]...: installs from Debian's packages what is missing
# (the package is named after the command unless given after a colon).
need() {
  local missing=() spec
  for spec in "$@"; do
    command -v "${spec%%:*}" >/dev/null || missing+=("${spec#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# build_helpdesk [CARGO ARGS]: builds the release binary and sets $hd to it.
# HD=path/to/helpdesk measures that binary instead, with no build (a relative
# path is taken from where the script was run).
build_helpdesk() {
  if [ -n "${HD:-}" ]; then
    hd="$(cd "$caller" && realpath "$HD")"
  else
    cargo build --release --locked --quiet "$@"
    hd="$(target_dir)/release/helpdesk"
  fi
}

# enter_workdir: a fresh temporary folder holding a copy of the fixtures,
# removed on exit unless the caller sets a trap of its own; sets $work and
# changes into it.
enter_workdir() {
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # $work is expanded now, on purpose
  trap "rm -rf '$work'" EXIT
  cp -r "$repo/fixtures" "$work/fixtures"
  cd "$work"
}

# seed_with_open N OPEN: a demo database of N requests (helpdesk.db, in the
# current folder) of which exactly OPEN are open: the newest closed ones are
# reopened as new. Needs sqlite3.
seed_with_open() {
  "$hd" seed --demo --requests "$1" --format csv >/dev/null
  sqlite3 helpdesk.db "UPDATE requests SET status = 'new', assignee_id = NULL, accepted_at = NULL, closed_at = NULL,
    rejection_reason = NULL WHERE id IN (SELECT id FROM requests WHERE status IN ('done','rejected','cancelled')
    ORDER BY created_at DESC LIMIT max(0, $2 - (SELECT count(*) FROM requests WHERE status IN ('new','accepted'))));
    PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
}
