#!/usr/bin/env bash
# Makes sure Debian's Chromium and ChromeDriver are installed for the browser
# tests (tests/web_browser.rs) and the screenshots: /usr/bin/chromium and
# /usr/bin/chromedriver; and axe-core, the accessibility rules those tests
# run in each page, from the npm registry into tests/axe/node_modules (npm ci,
# from the committed lock file; Node.js and npm from Debian if missing).
# Used by .ci/run and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-browser: installing ${missing[*]}" >&2
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
chromium --version >&2
chromedriver --version >&2
# axe-core: installed again only when the lock file changed since the last install.
if ! cmp -s tests/axe/package-lock.json tests/axe/node_modules/.installed-from-lock 2>/dev/null; then
  echo "ensure-browser: npm ci in tests/axe" >&2
  (cd tests/axe && npm ci --no-audit --no-fund --loglevel=error)
  cp tests/axe/package-lock.json tests/axe/node_modules/.installed-from-lock
fi
echo "axe-core $(node -p "require('./tests/axe/node_modules/axe-core/package.json').version")" >&2
