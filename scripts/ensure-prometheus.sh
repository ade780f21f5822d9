#!/usr/bin/env bash
# Makes sure Prometheus' own tools are here for tests/web_metrics.rs:
# promtool (Debian's prometheus package) checks the scraped /metrics and the
# example alert rules, and the Python client's parser
# (prometheus_client, from PyPI) reads the scrape. Used by .ci/run and
# scripts/test.sh; prints promtool's path.
set -euo pipefail
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v promtool >/dev/null 2>&1; then
  echo "ensure-prometheus: installing Debian's prometheus (for promtool)" >&2
  sudo_if_needed apt-get update -qq
  # Only its promtool is wanted, not the recommended exporters.
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
if ! python3 -c 'import prometheus_client' 2>/dev/null; then
  echo "ensure-prometheus: installing Python's prometheus_client (its parser)" >&2
  python3 -m pip install --quiet 'prometheus_client>=0.20' >&2
fi
command -v promtool
