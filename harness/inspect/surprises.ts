// The settings that surprise admins, each with what it does to a session that ends (as the runs in
// FINDINGS.md measured it). A setting that could not be read is never flagged: unknown is not a
// surprise, it is listed with why.
import type { HostFacts, InspectFingerprint, InspectReport } from './report.js';

type Surprise = InspectReport['surprises'][number];

/** `sshd`: the sshd settings the report goes by (effective, or the files over OpenSSH's defaults). */
export function surprisesOf(fp: InspectFingerprint, host: HostFacts, sshd: Record<string, string>): Surprise[] {
  const out: Surprise[] = [];
  const from = host.sshd.source === 'files' ? ' (from the files)' : '';
  if (fp.config.killUserProcesses === 'yes') {
    out.push({
      fact: 'logind KillUserProcesses',
      value: 'yes',
      why: "logind kills every process of a session's scope when the session ends: nohup, setsid, disown and a detached tmux or screen started in it die too",
    });
  }
  if (sshd.clientaliveinterval === '0') {
    out.push({
      fact: 'sshd ClientAliveInterval',
      value: `0 (off)${from}`,
      why: 'sshd never asks a silent client: a session whose network path died stays open (its processes run on) until TCP gives up, hours later',
    });
  } else if (sshd.clientalivecountmax === '0') {
    out.push({
      fact: 'sshd ClientAliveCountMax',
      value: `0${from}`,
      why: 'sshd sends keepalives but never ends the session for want of an answer: a dead client is never noticed by them',
    });
  }
  if (host.linger === 'no' && host.init === 'systemd') {
    out.push({
      fact: `linger for ${host.user.name}`,
      value: 'off',
      why: "the user's systemd manager, and what runs under it (systemd-run --user, user services), stops when the user's last session ends",
    });
  }
  if (host.pamSystemd.present === 'no') {
    out.push({
      fact: 'pam_systemd in /etc/pam.d/sshd',
      value: 'absent',
      why: 'SSH logins get no logind session: no session scope, no user manager, and KillUserProcesses never applies to them',
    });
  }
  if (host.shell.huponexit === 'on') {
    out.push({ fact: 'bash huponexit', value: 'on', why: 'an interactive login bash sends SIGHUP to all its jobs when it exits, also on a plain `exit`' });
  }
  if (host.shell.tmout) {
    out.push({ fact: 'TMOUT', value: host.shell.tmout, why: `an idle interactive bash exits after ${host.shell.tmout} s, ending the session like a logout` });
  }
  return out;
}
