#!/usr/bin/env bash
# Makes sure Debian's libfaketime is installed: the end-to-end test that runs
# `helpdesk serve` across days of recurring requests (tests/serve_recurring.rs)
# moves the real process's clock with it (LD_PRELOAD). Used by .ci/run and
# scripts/test.sh; prints the library's path.
set -euo pipefail
lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
if [ ! -e "$lib" ]; then
  sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  echo "ensure-faketime: installing libfaketime" >&2
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libfaketime >/dev/null
fi
echo "$lib"
