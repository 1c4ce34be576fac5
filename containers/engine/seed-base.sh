#!/usr/bin/env bash
# Make the base image debian:<suite> exist locally. Order: already present → docker pull →
# debootstrap + docker import (no registry needed, only Debian's archive).
# Usage: seed-base.sh <suite>      e.g. seed-base.sh bookworm
set -euo pipefail
suite=${1:?usage: seed-base.sh <suite>}
image="debian:$suite"
log() { echo "hangup-lab: seed: $*" >&2; }

docker image inspect "$image" >/dev/null 2>&1 && exit 0
# A registry may answer elsewhere; here it does not, and a failed pull costs ~1 s.
if timeout 60 docker pull -q "$image" >/dev/null 2>&1; then log "pulled $image"; exit 0; fi

command -v debootstrap >/dev/null || { log "debootstrap missing: apt-get install debootstrap"; exit 3; }
dir=$(mktemp -d /var/tmp/hangup-lab-seed-XXXXXX)
trap 'rm -rf "$dir"' EXIT
# A suite past its LTS moves from deb.debian.org to archive.debian.org (bullseye is still on
# deb.debian.org as of 2026-11; buster has moved). Both are Debian's own archive. debootstrap
# writes the mirror it used into the image's sources.list, so the Dockerfile's apt-get follows.
mirror=http://deb.debian.org/debian
if ! wget -q -T 20 --spider "$mirror/dists/$suite/Release" 2>/dev/null; then
  mirror=http://archive.debian.org/debian
  log "$suite is not on deb.debian.org; trying $mirror"
fi
log "building $image with debootstrap from $mirror (about a minute)"
if ! debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$dir.log" 2>&1; then
  log "debootstrap $suite from $mirror failed (disk full? archive unreachable?): see $dir.log"
  exit 3
fi
rm -f "$dir.log"
# The archive's Release files stop being refreshed, so apt would call them expired.
if [ "$mirror" = http://archive.debian.org/debian ]; then
  echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99hangup-lab-archive"
fi
# Slim the tarball: apt lists and caches are rebuilt by every Dockerfile's apt-get update anyway.
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
tar -C "$dir" -c . | docker import -c 'CMD ["/bin/bash"]' - "$image" >/dev/null
log "seeded $image from Debian's archive"
