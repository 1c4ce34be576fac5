#!/usr/bin/env bash
# The measured peer of `hangup-lab bench` (issue 17): what a person does to learn one cell's answer
# without hangup-lab, with plain tools, one cell at a time:
#   docker run a fresh target (the image the harness built), wait for sshd, add a user with a key,
#   log in with the real ssh client, start the probe the way the launch mode says, end the session
#   the simple way (type exit, kill the ssh client, kill the server's session process, drop the
#   packets), sleep as long as the harness would allow for the outcome, ask `pgrep` whether the
#   probe is still there, remove the container.
# No agent, no snapshots, no watcher: the point is to time the plain way, not to judge as well as the
# harness does (it reports survived or killed, nothing about who or why).
#
#   peer.sh --can
#   peer.sh IMAGE SESSION LAUNCH WORKLOAD SEVER WAIT_S CLIENT_ALIVE [docker run options...]
#     SESSION pty | exec; LAUNCH one of the default scenario's; SEVER logout | client-kill |
#     sshd-kill | drop; CLIENT_ALIVE "I/C" (sshd ClientAliveInterval/CountMax) or off; the options
#     are labels, so a sweep finds a container an interrupted bench left.
# Prints "phase NAME SECONDS" as it goes and "result survived|killed" last; exit 0 when it could
# tell, 1 when a step failed. The container is removed on every path (exit, error, INT, TERM).
set -euo pipefail

# What this script can do by hand, asked by bench before it picks cells (bench/peer-subset.ts): a
# cell with any other value is left to the harness. Keep in step with the cases below.
if [ "${1:-}" = --can ]; then
  echo 'session pty exec'
  echo 'launch foreground background disown nohup setsid tmux screen systemd-run-user'
  echo 'workload chatty quiet'
  echo 'sever logout client-kill sshd-kill drop'
  exit 0
fi

image=$1 session=$2 launch=$3 workload=$4 sever=$5 wait_s=$6 client_alive=$7
shift 7
user=lab
probe="/usr/local/lib/hangup-lab/probe /home/$user/probe.log $workload"

dir=$(mktemp -d "${TMPDIR:-/tmp}/hangup-lab-peer-XXXXXX")
cid=
ssh_pid=
cleanup() {
  # (set -e applies here too: nothing in the cleanup may fail it)
  if [ -n "$ssh_pid" ]; then kill -KILL "$ssh_pid" 2>/dev/null || true; fi
  if [ -n "$cid" ]; then docker rm -f "$cid" >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

last=$(date +%s.%N)
phase() {
  local now
  now=$(date +%s.%N)
  echo "phase $1 $(awk -v a="$last" -v b="$now" 'BEGIN { printf "%.3f", b - a }')"
  last=$now
}
fail() {
  echo "peer: $*" >&2
  exit 1
}
# Bounded waits: a person gives up after a while too.
until_ok() {
  local tries=$1
  shift
  until "$@" >/dev/null 2>&1; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 0.2
  done
}

# The line a person types (pty) or gives ssh as the command (exec), as harness/launch/ has them.
case $launch in
  foreground) line="$probe" ;;
  background) line="$probe &" ;;
  disown) line="$probe & disown" ;;
  nohup) line="nohup $probe &" ;;
  setsid) line="setsid $probe" ;;
  tmux) line="tmux new -d -s peer '$probe'" ;;
  screen) line="screen -dmS peer $probe" ;;
  systemd-run-user) line="systemd-run --user --quiet --unit=peer $probe" ;;
  *) fail "unknown launch $launch" ;;
esac

# What systemd as PID 1 needs in a container, as the harness starts a target (harness/target/
# container.ts, cgroup.ts, grants.ts): tmpfs for /run and /tmp, the host's cgroups read-only on a
# cgroup v1 host, writable in the host's namespace on a v2 one; NET_ADMIN for the drop's iptables.
# (A TERM between `docker run` and the assignment leaves cid empty: bench then removes the
# container by its label.)
cgroup_opts=(-v /sys/fs/cgroup:/sys/fs/cgroup:ro)
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  cgroup_opts=(-v /sys/fs/cgroup:/sys/fs/cgroup:rw --cgroupns=host --cap-add SYS_ADMIN --security-opt seccomp=unconfined)
fi
cid=$(docker run -d "$@" --cap-add NET_ADMIN --tmpfs /run --tmpfs /run/lock --tmpfs /tmp "${cgroup_opts[@]}" "$image")
ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$cid")

ssh-keygen -q -t ed25519 -N '' -f "$dir/key"
ssh_opts=(-F /dev/null -i "$dir/key" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=5)

# The scenario's sshd settings, a user with the key, sshd restarted to read them.
conf='TCPKeepAlive yes'
if [[ $client_alive =~ ^([0-9]+)/([0-9]+)$ ]]; then
  conf+=$'\n'"ClientAliveInterval ${BASH_REMATCH[1]}"$'\n'"ClientAliveCountMax ${BASH_REMATCH[2]}"
fi
# sshd up first: its restart below needs systemd running, and a person waits for ssh anyway.
until_ok 300 docker exec "$cid" systemctl is-active --quiet ssh || fail "ssh.service not active in $cid within a minute"
docker exec -e KEY="$(cat "$dir/key.pub")" -e CONF="$conf" "$cid" sh -c '
  useradd -m -s /bin/bash '"$user"' && install -d -o '"$user"' -m 700 /home/'"$user"'/.ssh &&
  echo "$KEY" >/home/'"$user"'/.ssh/authorized_keys && chown '"$user"' /home/'"$user"'/.ssh/authorized_keys &&
  echo "$CONF" >/etc/ssh/sshd_config.d/peer.conf && systemctl restart ssh' || fail "setting up $cid failed"
phase boot-and-setup
until_ok 300 ssh "${ssh_opts[@]}" "$user@$ip" true || fail "no login to $ip within a minute"
phase login-works

# The session: ssh in the background, its input a fifo this script writes to (a person's keyboard).
mkfifo "$dir/in"
exec 3<>"$dir/in"
if [ "$session" = pty ]; then
  ssh "${ssh_opts[@]}" -tt "$user@$ip" <&3 >"$dir/out" 2>&1 &
  ssh_pid=$!
  disown "$ssh_pid"
  # Wait for the shell, not the echo of what was typed: the marker is only printed once run.
  echo 'echo ready-$((6*7))' >&3
  until_ok 300 grep -q ready-42 "$dir/out" || fail 'no shell prompt within a minute'
  echo "$line" >&3
else
  ssh "${ssh_opts[@]}" -T "$user@$ip" "$line" <&3 >"$dir/out" 2>&1 &
  ssh_pid=$!
  disown "$ssh_pid"
fi
# The probe's command name is "probe" (the script's file name).
until_ok 300 docker exec "$cid" pgrep -x -u "$user" probe || fail 'the probe did not start within a minute'
phase probe-started

case $sever in
  # An exec session's logout is its command returning: nothing to do.
  logout) if [ "$session" = pty ]; then echo exit >&3; fi ;;
  # An exec session whose command returned (tmux new -d, systemd-run) may be over already: a
  # person's kill then finds nothing, and the look after the sleep is all there is to learn.
  client-kill) kill -KILL "$ssh_pid" 2>/dev/null || echo 'note the ssh client had exited before the sever: the session was over' ;;
  sshd-kill) docker exec "$cid" pkill -KILL -u "$user" -f '^sshd(-session)?: '"$user"'@' || echo 'note no sshd session process to kill: the session was over' ;;
  drop) docker exec "$cid" sh -c 'iptables -I INPUT -p tcp --dport 22 -j DROP && iptables -I OUTPUT -p tcp --sport 22 -j DROP' || fail 'iptables failed' ;;
  *) fail "unknown sever $sever" ;;
esac
phase sever
sleep "$wait_s"
phase wait
# pgrep's status, printed, so that a failed docker exec (a container gone) is not read as "killed".
case $(docker exec "$cid" sh -c "pgrep -x -u $user probe >/dev/null; echo \$?") in
  0) outcome=survived ;;
  1) outcome=killed ;;
  *) fail "could not ask $cid whether the probe lives" ;;
esac
phase check
docker rm -f "$cid" >/dev/null || fail "docker rm -f $cid failed"
cid=
phase remove
echo "result $outcome"
