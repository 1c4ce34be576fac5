#!/usr/bin/env bash
# Provision a Docker engine on a Debian-like host where none answers.
# Called by the harness (and .ci/run) only when `docker info` fails and we are root; it is also
# safe to run by hand. Why a script and not TypeScript: an admin should be able to read in one
# screen exactly what hangup-lab does to their machine.
set -euo pipefail

log() { echo "hangup-lab: engine: $*" >&2; }

if docker info >/dev/null 2>&1; then exit 0; fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  log "no Docker engine answers and this is not a root Debian-like host; install and start Docker yourself"
  exit 3
fi

if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null || ! command -v iptables >/dev/null; then
  log "installing docker.io, containerd, runc, iptables, debootstrap from Debian's archive"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io containerd runc iptables debootstrap >/dev/null
fi

# The host may have no systemd (containers, CI sandboxes): start dockerd ourselves, detached from
# this process group so it outlives the command that asked for it.
if ! docker info >/dev/null 2>&1; then
  # A dockerd that died uncleanly leaves its pid file behind and refuses to start again.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  log "starting dockerd (log: /var/log/hangup-lab-dockerd.log)"
  setsid nohup dockerd >/var/log/hangup-lab-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
fi

if ! docker info >/dev/null 2>&1; then
  log "dockerd did not answer within 60 s; see /var/log/hangup-lab-dockerd.log"
  exit 3
fi
log "Docker engine ready ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
