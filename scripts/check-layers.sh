#!/usr/bin/env bash
# Checks the layering described in ARCHITECTURE.md with a grep: the front
# ends (bot, web panel, scheduler, CLI) never name the store, and the bot,
# the web panel and the scheduler never import one another (the serve
# module assembles them). Prints every offending line; exits 1 if any.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
check() { # description, pattern, paths...
  local what=$1 pattern=$2
  shift 2
  local found
  # Comments may name other modules; code may not.
  found=$(grep -rnE "$pattern" "$@" | grep -vE '^[^:]+:[0-9]+:\s*//' || true)
  if [ -n "$found" ]; then
    echo "layering: $what:" >&2
    echo "$found" >&2
    status=1
  fi
}
check "a front end names the store (use services and domain)" 'crate::store\b|helpdesk::store\b' src/bot src/web src/cli src/scheduler.rs src/serve.rs
check "the bot imports another front end" 'crate::(web|scheduler|cli|serve)\b' src/bot
check "the web panel imports another front end" 'crate::(bot|scheduler|cli|serve)\b' src/web
check "the scheduler imports another front end" 'crate::(bot|web|cli|serve)\b' src/scheduler.rs
check "the CLI imports another front end" 'crate::(bot|web|scheduler)\b' src/cli
check "a lower layer imports a front end" 'crate::(bot|web|cli|scheduler|serve)\b' src/services src/domain src/store src/i18n src/config.rs src/clock.rs
[ $status = 0 ] && echo "layering: ok" >&2
exit $status
