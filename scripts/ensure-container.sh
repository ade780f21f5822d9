#!/usr/bin/env bash
# Makes sure podman and debootstrap (Debian's packages) are here for
# tests/container_image.rs, which builds the image's runtime stage from a
# Debian made with debootstrap (registry images cannot be pulled here) and
# runs the image's root filesystem. Used by .ci/run and scripts/test.sh.
set -euo pipefail
missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  echo "ensure-container: installing ${missing[*]}" >&2
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    podman debootstrap fuse-overlayfs >/dev/null
fi
command -v podman
