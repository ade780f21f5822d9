#!/usr/bin/env bash
# Makes sure Debian's Chromium and ChromeDriver are installed for the browser
# tests (tests/web_browser.rs) and the screenshots: /usr/bin/chromium and
# /usr/bin/chromedriver. Used by .ci/run and scripts/test.sh.
set -euo pipefail
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "ensure-browser: installing chromium and chromium-driver" >&2
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
chromium --version >&2
chromedriver --version >&2
