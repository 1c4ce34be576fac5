#!/usr/bin/env bash
# Make the base image debian:<suite> exist locally. Order: already present → docker pull →
# debootstrap + docker import (no registry needed, only Debian's archive).
# Usage: seed-base.sh <suite> [image]      e.g. seed-base.sh bookworm
# The image name defaults to debian:<suite>; the harness passes another one under
# HANGUP_LAB_BASE_PREFIX. debootstrap works in a temp dir under $HANGUP_LAB_SEED_TMP (default
# /var/tmp), removed whatever happens.
# Exit codes: 0 the image exists; 28 (ENOSPC) disk full in the temp dir's file system; 3 otherwise.
set -euo pipefail
suite=${1:?usage: seed-base.sh <suite> [image]}
image=${2:-debian:$suite}
tmp=${HANGUP_LAB_SEED_TMP:-/var/tmp}
# debootstrap --variant=minbase at its peak: the suite's package lists, the .debs and the tree
# (the imported image alone is ≈120 MB), with a margin.
need_mb=300
disk_full=28
log() { echo "hangup-lab: seed: $*" >&2; }
free_mb() { df -Pm "$tmp" | awk 'NR == 2 { print $4 }'; }

docker image inspect "$image" >/dev/null 2>&1 && exit 0
# A registry may answer elsewhere; here it does not, and a failed pull costs ~1 s. Only
# debian:<suite> can come from one: a prefixed name is the harness's own.
if [ "$image" = "debian:$suite" ] && timeout 60 docker pull -q "$image" >/dev/null 2>&1; then log "pulled $image"; exit 0; fi

command -v debootstrap >/dev/null || { log "debootstrap missing: apt-get install debootstrap"; exit 3; }
[ -d "$tmp" ] || { log "HANGUP_LAB_SEED_TMP=$tmp is not a directory"; exit 3; }
# Checked before downloading anything: a full disk found halfway costs a minute and the archive's bandwidth.
if [ "$(free_mb)" -lt "$need_mb" ]; then
  log "disk full: $(free_mb) MB free in $tmp; debootstrap needs about $need_mb MB"
  exit $disk_full
fi
dir=$(mktemp -d "$tmp/hangup-lab-seed-XXXXXX")
trap 'rm -rf "$dir"' EXIT
# bash skips the EXIT trap when a signal kills it: turn the harness's SIGTERM/SIGINT into an exit.
trap 'exit 143' TERM HUP INT
# A suite past its LTS moves from deb.debian.org to archive.debian.org (bullseye is still on
# deb.debian.org as of 2026-11; buster has moved). Both are Debian's own archive. debootstrap
# writes the mirror it used into the image's sources.list, so the Dockerfile's apt-get follows.
mirror=http://deb.debian.org/debian
if ! wget -q -T 20 --spider "$mirror/dists/$suite/Release" 2>/dev/null; then
  mirror=http://archive.debian.org/debian
  log "$suite is not on deb.debian.org; trying $mirror"
fi
log "building $image with debootstrap from $mirror (about a minute)"
# Its output is kept in memory, not in a file next to $dir: on a full disk that file could not be
# written either, and nothing may be left behind.
if ! out=$(debootstrap --variant=minbase "$suite" "$dir" "$mirror" 2>&1); then
  printf '%s\n' "$out" | tail -n 8 | sed 's/^/hangup-lab: seed: debootstrap: /' >&2
  if grep -q 'No space left on device' <<<"$out" || [ "$(free_mb)" -lt 1 ]; then
    log "disk full in $tmp; debootstrap needs about $need_mb MB"
    exit $disk_full
  fi
  log "debootstrap $suite from $mirror failed (archive unreachable?)"
  exit 3
fi
# The archive's Release files stop being refreshed, so apt would call them expired.
if [ "$mirror" = http://archive.debian.org/debian ]; then
  echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99hangup-lab-archive"
fi
# A suite whose Release carries Valid-Until (sid: a week; released suites have none) can be served
# stale: on these machines deb.debian.org's sid Release was dated 2026-10-30, valid until
# 2026-11-06, on 2026-12-06. debootstrap does not check the date; the Dockerfile's apt-get update
# would refuse the suite ("Release file ... is expired"). Build from what the archive serves, and
# say so: the fingerprint records the versions actually installed.
valid_until=$(wget -q -T 20 -O- "$mirror/dists/$suite/Release" 2>/dev/null | sed -n 's/^Valid-Until: //p' | head -n 1)
if [ -n "$valid_until" ] && [ "$(date -d "$valid_until" +%s 2>/dev/null || echo 99999999999)" -lt "$(date +%s)" ]; then
  log "$suite's Release on $mirror expired on $valid_until (a stale copy); apt in $image will not check Valid-Until"
  echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99hangup-lab-stale-release"
fi
# Slim the tarball: apt lists and caches are rebuilt by every Dockerfile's apt-get update anyway.
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
tar -C "$dir" -c . | docker import -c 'CMD ["/bin/bash"]' - "$image" >/dev/null
log "seeded $image from Debian's archive"
