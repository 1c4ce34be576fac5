// The one script `hangup-lab inspect` feeds to `sh -s` on the user's server. It only reads: no file
// is written (an interactive bash is asked for huponexit with its history file unset), nothing is
// installed, nothing is left running. It prints key=value lines (facts.ts reads them); a fact it
// cannot read is an `unknown.KEY=why` line, never a guess.
import { OPENSSH_EFFECTIVE } from '../server/openssh.js';
import { SYSCTLS } from '../scenario/values.js';

export interface ScriptOptions {
  /** try `sudo -n sshd -T` for sshd's effective settings (false: --no-sudo, sudo is never run) */
  sudo: boolean;
}

/** The first and last lines the script prints: output without both was cut short. */
export const START_MARK = 'hangup-lab.inspect=start';
export const END_MARK = 'hangup-lab.inspect=end';

/** The logind Manager properties the targets' fingerprint reads (target/fingerprint.ts). */
export const LOGIND_PROPERTIES = ['KillUserProcesses', 'KillExcludeUsers', 'KillOnlyUsers', 'UserStopDelayUSec'] as const;

/** loginctl properties worth keeping of the login's own session and of its user. */
const SESSION_PROPERTIES = ['Id', 'Type', 'Class', 'Remote', 'Service', 'Scope', 'State'];
const USER_PROPERTIES = ['Linger', 'State', 'Sessions'];

/**
 * The script's text. Everything runs inside one function called with stdin from /dev/null: `sh -s`
 * reads the script from its stdin, so a command that read stdin (sudo, loginctl, an interactive
 * bash) would otherwise eat the rest of the script; and a function is parsed whole before it runs.
 * Long because it is the shell script itself, one group of facts after another, kept whole so it
 * can be read (and checked with sh -n) as the server runs it.
 */
export function factsScript(o: ScriptOptions): string {
  const effective = OPENSSH_EFFECTIVE.join('|');
  return String.raw`
hl_main() {
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH
LC_ALL=C; export LC_ALL
echo '${START_MARK}'
unknown() { echo "unknown.$1=$2"; }
has() { command -v "$1" >/dev/null 2>&1; }
me=$(id -un); echo "user.name=$me"; echo "user.uid=$(id -u)"

# The OS
if [ -r /etc/os-release ]; then
  grep -E '^(ID|VERSION_ID|VERSION_CODENAME|PRETTY_NAME)=' /etc/os-release | sed -e 's/^/os./' -e 's/="\(.*\)"$/=\1/' -e "s/='\(.*\)'$/=\1/"
else unknown os "/etc/os-release is not readable"; fi

# Versions. sshd names itself without the distribution's suffix (9.2: "OpenSSH_9.2, OpenSSL …", in
# its usage text when it has no -V); the targets' fingerprint records ssh -V, which has the suffix.
v=$(sshd -V 2>&1 | grep -m1 '^OpenSSH')
if [ -n "$v" ]; then echo "sshd.version=$v"; else unknown sshd.version "sshd -V printed no OpenSSH version (no sshd on PATH, or not OpenSSH)"; fi
if has ssh; then echo "ssh.version=$(ssh -V 2>&1 | head -n 1)"; else unknown ssh.version "no ssh client on PATH"; fi
pkgversion() { # package, binary: the package manager's version, or why none is known
  if has dpkg-query; then
    pv=$(dpkg-query -W -f '$!{Status} $!{Version}' "$1" 2>/dev/null | sed -n 's/^install ok installed //p')
    if [ -n "$pv" ]; then echo "v.$1=$pv"; elif has "$2"; then echo "v.$1=$2 on PATH, not from a Debian package"; else echo "v.$1=not installed"; fi
  elif has rpm; then
    pv=$(rpm -q --qf '%{VERSION}-%{RELEASE}' "$1" 2>/dev/null) && echo "v.$1=$pv" || { has "$2" && unknown "v.$1" "$2 is on PATH but rpm does not know package $1" || echo "v.$1=not installed"; }
  elif has "$2"; then unknown "v.$1" "$2 is on PATH; no dpkg-query or rpm to ask its version"
  else echo "v.$1=not installed"; fi
}
if has bash; then echo "v.bash=$(bash --version | head -n 1)"; else echo "v.bash=not installed"; fi
if has systemctl; then echo "v.systemd=$(systemctl --version | head -n 1)"; else echo "v.systemd=not installed"; fi
if has tmux; then echo "v.tmux=$(tmux -V)"; else echo "v.tmux=not installed"; fi
if has screen; then echo "v.screen=$(screen -v 2>&1 | head -n 1)"; else echo "v.screen=not installed"; fi
pkgversion libpam-systemd pam_systemd.so
pkgversion dtach dtach
pkgversion mosh mosh-server
echo "v.kernel=$(uname -r)"

# sshd's settings: the effective ones (sshd -T needs root), else the files as written
eff=""
if [ "$(id -u)" = 0 ]; then
  eff=$(sshd -T 2>&1) && src="sshd -T" || { unknown sshd.effective "sshd -T failed: $(printf '%s' "$eff" | tail -n 1)"; eff=""; }
elif [ '${o.sudo ? 'yes' : 'no'}' = no ]; then
  unknown sshd.effective "not asked: --no-sudo (sshd -T needs root)"
elif ! has sudo; then
  unknown sshd.effective "sshd -T needs root and there is no sudo"
else
  eff=$(sudo -n sshd -T 2>&1) && src="sudo -n sshd -T" || { unknown sshd.effective "sudo -n sshd -T refused: $(printf '%s' "$eff" | tail -n 1)"; eff=""; }
fi
if [ -n "$eff" ]; then
  echo "sshd.source=$src"
  printf '%s\n' "$eff" | grep -Ei '^(${effective}) ' | sed 's/^/server.effective./; s/ /=/'
else
  echo "sshd.source=files"
  hl_sshd_file() { # file, depth: its lines in order, Include expanded in place as sshd does
    [ "$2" -gt 8 ] && return
    if [ ! -r "$1" ]; then unknown "sshd.file.$1" "not readable by $me"; return; fi
    echo "sshd.file=$1"
    grep -Ev '^[[:space:]]*(#|$)' "$1" | while IFS= read -r l; do
      case "$l" in
        [Ii][Nn][Cc][Ll][Uu][Dd][Ee][[:space:]]*)
          for g in $(printf '%s' "$l" | sed 's/^[^[:space:]]*[[:space:]]*//'); do
            case "$g" in /*) ;; *) g="/etc/ssh/$g";; esac
            for f in $g; do [ -e "$f" ] && hl_sshd_file "$f" $(($2 + 1)); done
          done;;
        *) echo "sshd.line=$l";;
      esac
    done
    echo "sshd.end=$1"
  }
  hl_sshd_file /etc/ssh/sshd_config 0
fi

# The session manager: logind's settings as it holds them (D-Bus), else its configuration files
if [ -d /run/systemd/system ]; then echo "manager.init=systemd"
elif pidof elogind-daemon >/dev/null 2>&1 || pidof elogind >/dev/null 2>&1; then echo "manager.init=elogind"
else echo "manager.init=other"; fi
for p in ${LOGIND_PROPERTIES.join(' ')}; do
  if r=$(busctl get-property org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager $p 2>&1); then
    echo "logind.$p=$(printf '%s' "$r" | cut -d' ' -f2-)"
  else r=$(printf '%s' "$r" | tail -n 1); unknown "logind.$p" "busctl get-property failed$!{r:+: $r}$!{r:-, saying nothing (is logind running?)}"; fi
done
if has systemd-analyze; then
  systemd-analyze cat-config systemd/logind.conf 2>/dev/null | grep -E '^(KillUserProcesses|KillExcludeUsers|KillOnlyUsers|UserStopDelaySec)=' | sed 's/^/logindconf./'
fi

# This login's own session and its user, as logind sees them
if [ -z "$XDG_SESSION_ID" ]; then unknown session "XDG_SESSION_ID is unset: logind registered no session for this login (no pam_systemd, or UsePAM no)"
elif r=$(loginctl show-session "$XDG_SESSION_ID" ${SESSION_PROPERTIES.map(p => `-p ${p}`).join(' ')} 2>&1); then printf '%s\n' "$r" | sed 's/^/session./'
else unknown session "loginctl show-session $XDG_SESSION_ID: $(printf '%s' "$r" | tail -n 1)"; fi
if r=$(loginctl show-user "$me" ${USER_PROPERTIES.map(p => `-p ${p}`).join(' ')} 2>&1); then printf '%s\n' "$r" | sed 's/^/loginuser./'
else r=$(printf '%s' "$r" | tail -n 1); unknown loginuser "loginctl show-user $me failed$!{r:+: $r}$!{r:-, saying nothing (is logind running?)}"; fi
if [ -e "/var/lib/systemd/linger/$me" ]; then echo "linger.file=yes"
elif [ -d /var/lib/systemd/linger ] && [ -x /var/lib/systemd/linger ]; then echo "linger.file=no"
elif [ -d /var/lib/systemd ]; then echo "linger.file=no"
else unknown linger.file "no /var/lib/systemd"; fi

# pam_systemd (elogind's: pam_elogind) in sshd's PAM stack, following @include, include and substack
hl_pam() { # service, depth
  [ "$2" -gt 8 ] && return
  f="/etc/pam.d/$1"
  if [ ! -r "$f" ]; then unknown "pam.file.$1" "not readable"; return; fi
  echo "pam.file=$f"
  grep -Ev '^[[:space:]]*(#|$)' "$f" | while IFS= read -r l; do
    case "$l" in *pam_systemd.so*|*pam_elogind.so*) echo "pam.line=$f: $l";; esac
    inc=$(printf '%s\n' "$l" | sed -n -e 's/^@include[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' -e 's/^-\{0,1\}[a-z]*[[:space:]]\{1,\}\(include\|substack\)[[:space:]]\{1,\}\([^[:space:]]*\).*/\2/p')
    [ -n "$inc" ] && hl_pam "$inc" $(($2 + 1))
  done
}
hl_pam sshd 0

# The SSH service: which unit, whether a socket starts it, what stopping it kills
if has systemctl && [ -d /run/systemd/system ]; then
  for u in ssh.service sshd.service; do
    if [ "$(systemctl show "$u" -p LoadState --value 2>/dev/null)" = loaded ]; then
      systemctl show "$u" -p Id -p ActiveState -p KillMode 2>/dev/null | sed 's/^/service./'; break
    fi
  done
  for u in ssh.socket sshd.socket; do
    if [ "$(systemctl show "$u" -p LoadState --value 2>/dev/null)" = loaded ]; then
      systemctl show "$u" -p Id -p ActiveState -p Accept 2>/dev/null | sed 's/^/socket./'
      # With Accept=yes every connection is an instance of the template: its KillMode is what counts.
      [ "$(systemctl show "$u" -p Accept --value 2>/dev/null)" = yes ] && echo "socket.instanceKillMode=$(systemctl show "$!{u%.socket}@0.service" -p KillMode --value 2>/dev/null)"
      break
    fi
  done
else unknown service "no systemd as PID 1: no units to ask"; fi

# The login shell: huponexit and TMOUT as an interactive login bash ends up with (its rc files run;
# HISTFILE unset so it writes no history; its own noise is dropped, only the marked lines count)
shell=$(getent passwd "$me" 2>/dev/null | cut -d: -f7); [ -n "$shell" ] || shell="$SHELL"
echo "shell.path=$shell"
case "$shell" in
  */bash)
    to=""; has timeout && to="timeout 15"
    out=$(HISTFILE= $to "$shell" -lic 'unset HISTFILE; shopt -q huponexit && echo HL_HUP=on || echo HL_HUP=off; echo "HL_TMOUT=$!{TMOUT-}"' 2>/dev/null)
    hup=$(printf '%s\n' "$out" | sed -n 's/^HL_HUP=//p' | tail -n 1)
    if [ -n "$hup" ]; then echo "shell.huponexit=$hup"; echo "shell.TMOUT=$(printf '%s\n' "$out" | sed -n 's/^HL_TMOUT=//p' | tail -n 1)"
    else unknown shell.huponexit "$shell -lic did not answer within 15 s (its rc files may wait for input or exec another program)"; fi;;
  *) echo "shell.huponexit=n/a ($shell is not bash)"; echo "shell.TMOUT=$!{TMOUT-}";;
esac

# Kernel TCP timers (of the network namespace sshd's connections live in)
for s in ${SYSCTLS.map(s => s.replace('net.ipv4.', '')).join(' ')}; do
  if r=$(cat "/proc/sys/net/ipv4/$s" 2>&1); then echo "sysctl.net.ipv4.$s=$r"; else unknown "sysctl.net.ipv4.$s" "$r"; fi
done
echo '${END_MARK}'
}
hl_main </dev/null
`.replace(/\$!\{/g, '${');
}
