// One paragraph that explains a cell's outcome, choosing the mechanism from what was observed
// (the signal, its sender and si_code, the probe's signal mask, its write errors, which side
// noticed when) rather than from what the launch mode is supposed to do.
import { launches } from '../launch/registry.js';
import { describeSender } from '../observe/sender.js';
import type { CaughtSignal, CellResult } from '../results.js';
import { parseAlive } from '../scenario/values.js';
import { sessionKindOf } from '../session/registry.js';
import { severs } from '../sever/registry.js';
import { parseSeverValue } from '../sever/types.js';
import { workloads } from '../workload/registry.js';
import { inMask, shortCgroup } from './tree.js';

/** The mechanisms a demo can name; tests and readers match on these words. */
export const MECHANISMS = {
  ttyHangup: 'tty hangup by the kernel',
  bashResend: 'bash resending SIGHUP to its jobs',
  nohup: 'nohup ignoring SIGHUP',
  detached: 'setsid/disown detaching',
  multiplexer: 'tmux/screen/dtach detaching',
  writeError: 'SIGPIPE or EIO on write without a terminal',
  noTerminal: 'no terminal, so nobody sends SIGHUP',
  logind: 'logind KillUserProcesses',
  userManager: 'the user manager stopping',
  systemService: 'a system service outside the session',
  otherSession: 'a signal from another session',
  sshdRestart: 'an sshd restart keeps its sessions',
  cleanExit: 'a clean exit sends no SIGHUP (no huponexit)',
  keepalive: 'keepalive arithmetic',
  sigkill: 'an uncatchable SIGKILL',
  exited: 'the probe exited by itself',
  notApplicable: 'a sever that does not apply',
  inconclusive: 'inconclusive',
  other: 'what was observed',
} as const;

export type Mechanism = (typeof MECHANISMS)[keyof typeof MECHANISMS];

export interface Why {
  /** what decided the outcome, then (for a sever on the network) the keepalive arithmetic of when */
  mechanisms: Mechanism[];
  text: string;
}

interface Reason {
  mechanism: Mechanism;
  text: string;
}

type Cell = Omit<CellResult, 'expectations' | 'timing'>;

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * The cell's plug-ins, looked up by the names it carries: what they declare (a launch mode's
 * protection, a sever's silent break) picks the words; the observation picks the mechanism. A name
 * this version does not know has no traits, and the explanation falls back to what was observed.
 */
function pluginsOf(c: Cell) {
  const sever = parseSeverValue(c.sever).name;
  return {
    session: sessionKindOf(c.session),
    launch: launches.has(c.launch) ? launches.get(c.launch) : null,
    sever: severs.has(sever) ? severs.get(sever) : null,
    workload: workloads.has(c.workload) ? workloads.get(c.workload) : null,
  };
}

/** "OpenSSH_9.2p1 Debian…" → "9.2"; null when unknown. */
export function opensshVersion(text: string | null | undefined): string | null {
  return text?.match(/OpenSSH_(\d+\.\d+)/)?.[1] ?? null;
}

/** The fatal signal, as the verdict chose it: the last one caught before the death (not SIGCONT). */
function fatalSignal(c: Cell): CaughtSignal | null {
  if (c.deathMs === null) return null;
  return c.probe.signalsCaught.filter(s => s.signal !== 'SIGCONT' && s.atMs <= c.deathMs! + 50).at(-1) ?? null;
}

function probeProc(c: Cell) {
  return c.before.find(p => p.pid === c.probe.pid) ?? null;
}

/**
 * When each side noticed a sever on the network, against what the settings predict. sshd's
 * ClientAlive was measured at about 2 × (CountMax + 1) × Interval on OpenSSH 9.2 (its loop only
 * probes after a whole idle interval) and about (CountMax + 1) × Interval on 8.4 and 10.0; the
 * client's ServerAlive at about Interval × CountMax plus the phase (FINDINGS.md, "Across distros").
 */
export function keepaliveText(c: Cell, openssh: string | null): string | null {
  const silent = pluginsOf(c).sever?.silentBreak;
  if (!silent) return null;
  const from = c.pathBrokeMs ?? 0;
  const ca = safeAlive(c.clientAlive);
  const sa = safeAlive(c.serverAlive);
  const parts: string[] = [];
  if (c.pathBrokeMs === null) {
    parts.push(
      silent.keptAliveByTraffic && (ca || sa)
        ? `The NAT never forgot the flow: the keepalive probes themselves (every ${Math.min(...[ca, sa].flatMap(x => (x ? [x.intervalS] : [])))} s) kept its idle timer from expiring, so there was no break to notice.`
        : 'The network path never broke in the window, so nothing had to be noticed.',
    );
  }
  if (ca) {
    const base = (ca.countMax + 1) * ca.intervalS;
    const v = opensshVersion(openssh);
    const nine2 = v === '9.2' ? `this server runs OpenSSH 9.2, which takes about twice that (≈${2 * base} s) because it only probes after a whole idle interval` : `OpenSSH 9.2 takes about twice that (≈${2 * base} s)`;
    parts.push(
      `sshd's ClientAlive (Interval ${ca.intervalS} s, CountMax ${ca.countMax}) gives up after about (CountMax+1)×Interval = ${base} s; ${nine2}. ` +
        (c.sessionEndedMs !== null ? `Here sshd ended the session ${secs(c.sessionEndedMs - from)} after the path broke.` : `Here sshd had not ended the session when the window closed.`),
    );
  } else {
    parts.push(`ClientAlive is off: sshd never asks a silent client, so ${c.sessionEndedMs !== null ? `it learned of the break only from TCP itself (${secs(c.sessionEndedMs - from)})` : 'a dead idle connection stays a ghost session'}.`);
  }
  if (sa) {
    parts.push(
      `The client's ServerAlive (Interval ${sa.intervalS} s × CountMax ${sa.countMax} = ${sa.intervalS * sa.countMax} s) ` +
        (c.clientEnd?.exitMs !== null && c.clientEnd ? `ended it ${secs(c.clientEnd.exitMs - from)} after the break.` : 'had not ended it when the window closed.'),
    );
  } else if (c.clientEnd?.exitMs === null || !c.clientEnd) {
    parts.push('ServerAlive is off, so the client only finds out when it next sends something.');
  } else {
    const asleep = silent.freezesClient ? ' (it was asleep, and learned it only on resume)' : '';
    parts.push(`The client exited ${secs(c.clientEnd.exitMs - from)} after the break${asleep}${c.clientEnd.lastLines.at(-1) ? ` ("${c.clientEnd.lastLines.at(-1)}")` : ''}.`);
  }
  if (silent.resets) parts.push('A reset is noticed at once by whichever side sends next.');
  if (pluginsOf(c).workload?.writesToSession && c.sessionEndedMs === null && ca) {
    parts.push('A chatty session defeats ClientAlive on OpenSSH 9.2 and 10.0: the probe keeps writing to the session, sshd\'s loop is never idle for a whole interval, so it never probes.');
  }
  return parts.join(' ');
}

function safeAlive(v: string) {
  try {
    return parseAlive(v);
  } catch {
    return null;
  }
}

function killedWhy(c: Cell): Reason {
  const { launch, sever } = pluginsOf(c);
  const fatal = fatalSignal(c);
  const pid = c.probe.pid;
  if (!fatal) {
    if (c.signal === 'SIGKILL' && c.signalEvidence === 'kernel trace') {
      return { mechanism: MECHANISMS.sigkill, text: `SIGKILL cannot be caught, so the probe could not log it; the kernel's trace of the probes' signals saw it arrive: ${c.reason}.` };
    }
    // Results written before the kernel's witness (schema 6 and older) guessed SIGKILL from the silence.
    if (c.signalEvidence === 'inferred') {
      return { mechanism: MECHANISMS.sigkill, text: `The probe vanished ${secs(c.deathMs ?? 0)} after the sever without its handler logging anything; the version that wrote these results took that for SIGKILL, without a witness (current versions ask the kernel's trace, or leave the cell inconclusive).` };
    }
    return { mechanism: MECHANISMS.other, text: `The probe died of ${c.signal ?? 'a signal'}: ${c.reason}.` };
  }
  const from = describeSender({ pid: fatal.senderPid, comm: fatal.senderComm, code: fatal.code, signal: fatal.signal, cgroup: fatal.cgroup }, pid);
  const at = `${secs(fatal.atMs)} after the sever`;
  if (fatal.code === 128 && fatal.signal === 'SIGHUP') {
    return {
      mechanism: MECHANISMS.ttyHangup,
      text: `When sshd closed the pseudo-terminal's master side, the kernel hung up the terminal and sent SIGHUP (si_code SI_KERNEL, no sending process) to the terminal's foreground process group, which the probe was in. There was no interactive bash in between: the kernel itself delivered it, ${at}, and the default action of SIGHUP is to terminate.`,
    };
  }
  if (fatal.senderComm === 'bash' && fatal.signal === 'SIGHUP') {
    const cause =
      sever?.ordinaryEnd && c.huponexit === 'on'
        ? 'On a plain `exit`, bash does this only with `shopt -s huponexit`, which this cell turned on.'
        : 'The kernel hung up the terminal when sshd closed it, and bash got SIGHUP; an interactive bash that gets SIGHUP resends it to every job in its job table before it exits.';
    return {
      mechanism: MECHANISMS.bashResend,
      text: `${cause} The probe was one of its jobs (started ${launch?.holdsTerminal ? 'in the foreground' : 'with &'}), so it got SIGHUP from bash (pid ${fatal.senderPid}, si_code SI_USER: sent with kill(2)) ${at} and died of it. nohup, disown or setsid would have kept it out of that list or made it ignore the signal.`,
    };
  }
  if (fatal.signal === 'SIGPIPE' && fatal.senderPid === pid) {
    return {
      mechanism: MECHANISMS.writeError,
      text: `Without a terminal nobody sends SIGHUP, but the probe's stdout was a pipe to sshd. When sshd ended the session the reading end closed, and the probe's next write raised SIGPIPE on the probe itself (${at}). A process that never writes would have lived on.`,
    };
  }
  if (fatal.senderComm === 'systemd') {
    const unit = fatal.cgroup ? shortCgroup(fatal.cgroup) : 'its unit';
    if (fatal.senderPid === 1) {
      return {
        mechanism: c.killUserProcesses === 'yes' ? MECHANISMS.logind : MECHANISMS.other,
        text:
          c.killUserProcesses === 'yes'
            ? `logind is configured with KillUserProcesses=yes: when the session ended, it asked systemd (PID 1) to stop the session's scope, and systemd sent ${fatal.signal} to everything still in it (${unit}), ${at}. nohup, setsid and disown do not leave a cgroup, so they do not help; a system service or a lingering user unit does.`
            : `systemd (PID 1) stopped ${unit} and sent ${fatal.signal} ${at}.`,
      };
    }
    return {
      mechanism: MECHANISMS.userManager,
      text: `The probe ran as a unit of the user's own service manager (systemd --user, ${unit}). Without linger, logind stops that manager UserStopDelaySec (10 s) after the user's last session ends, and the manager stops its units first: it sent ${fatal.signal} ${at}. \`loginctl enable-linger\` keeps the manager, and so the unit, running.`,
    };
  }
  // Without systemd there is no scope to stop: elogind kills what is left in the session's cgroup itself.
  if (fatal.senderComm === 'elogind-daemon' && c.killUserProcesses === 'yes') {
    return {
      mechanism: MECHANISMS.logind,
      text: `elogind is configured with KillUserProcesses=yes, and there is no systemd to stop a scope: when the session ended, elogind itself sent ${fatal.signal} to everything still in the session's cgroup (${fatal.cgroup ?? 'named after the session'}), ${at}. nohup, setsid and disown do not leave a cgroup, so they do not help.`,
    };
  }
  if (fatal.senderPid !== null && fatal.senderPid !== pid && fatal.code === 0 && ['kill', 'sh', 'dash', 'pkill', 'killall'].includes(fatal.senderComm ?? '')) {
    const ignored = inMask(probeProc(c)?.sigIgn ?? '', 1);
    return {
      mechanism: MECHANISMS.otherSession,
      text: `Nothing about the connection killed it: ${from} sent ${fatal.signal} ${at}. ${fatal.signal === 'SIGHUP' ? (ignored ? '' : 'Only an ignored SIGHUP (nohup) survives that; setsid and tmux move a process out of the terminal\'s reach, not out of kill(2)\'s.') : `nohup ignores only SIGHUP; ${fatal.signal} still has its default action and terminates the process.`}`.trim(),
    };
  }
  return { mechanism: MECHANISMS.other, text: `The probe caught ${fatal.signal} from ${from} ${at} and died of it.` };
}

function survivedWhy(c: Cell): Reason {
  const { session, launch, sever, workload } = pluginsOf(c);
  const protection = launch?.protection;
  const proc = probeProc(c);
  const ignoresHup = proc ? inMask(proc.sigIgn, 1) : protection === 'ignores-hup';
  const eio = c.probe.stdoutErrors.includes('EIO') ? ' Its writes to the dead terminal failed with EIO, and the probe carried on (a program that exits on a write error would not).' : '';
  const still = c.sessionEndedMs === null ? 'The session was still open, but the' : 'The';
  if (sever?.restartsSshd) {
    return { mechanism: MECHANISMS.sshdRestart, text: `Restarting sshd restarts only its listener: Debian's ssh unit has KillMode=process, so the per-session sshd processes, and the sessions with their processes, are left alone.` };
  }
  if (protection === 'system-service') {
    return { mechanism: MECHANISMS.systemService, text: `${still} probe ran as a system service (${shortCgroup(c.probe.cgroup ?? proc?.cgroup ?? 'system.slice')}), started by PID 1, not by the session: no terminal to hang up, no bash job, and not in the session's scope, so neither the hangup nor logind touches it.` };
  }
  if (protection === 'user-manager') {
    return { mechanism: MECHANISMS.userManager, text: `${still} probe ran under the user's service manager, which ${c.linger === 'on' ? 'linger keeps running after the last session, so it did not stop' : 'had not stopped yet when the window closed'}.` };
  }
  if (ignoresHup && (protection === 'ignores-hup' || sever?.sendsSignal === 'SIGHUP')) {
    return {
      mechanism: MECHANISMS.nohup,
      text: `nohup sets SIGHUP to "ignore" before it starts the program, and an ignored signal stays ignored across exec (the probe's SigIgn mask shows it). ${
        sever?.sendsSignal === 'SIGHUP'
          ? 'The `kill -HUP` from another session'
          : session?.shell && !sever?.ordinaryEnd
            ? "When the terminal was hung up, the SIGHUP meant for the probe (bash resending it to its jobs)"
            : 'Any SIGHUP sent to it'
      } was discarded by the kernel before it reached the probe, so there was nothing to catch. nohup does nothing against other signals (SIGTERM, SIGKILL) or logind's KillUserProcesses.${eio}`,
    };
  }
  if (protection === 'terminal-multiplexer') {
    return {
      mechanism: MECHANISMS.multiplexer,
      text: `${still} probe ran inside a ${c.launch} server, which detaches itself (its own session, setsid) and gives the probe a pseudo-terminal of its own. Hanging up the ssh terminal reached neither: the ssh session's bash had no job to resend SIGHUP to, and the probe's terminal is still open.${c.checks.length ? ` ${c.checks.map(k => `${k.name}: ${k.ok === null ? 'unknown' : k.ok ? 'yes' : 'no'} (${k.detail})`).join('; ')}.` : ''}`,
    };
  }
  if (protection === 'own-session' || protection === 'out-of-job-table') {
    return {
      mechanism: MECHANISMS.detached,
      text:
        protection === 'own-session'
          ? `setsid started the probe in a new session with no controlling terminal, so the kernel's hangup of the ssh terminal did not reach it, and it was never a job of bash.${eio}`
          : `disown removed the probe from bash's job table, so when the terminal was hung up and bash resent SIGHUP to its jobs, the probe was not among them; it was in a background process group, which the kernel's own hangup does not signal.${eio}`,
    };
  }
  if (!session?.remotePty) {
    return {
      mechanism: MECHANISMS.noTerminal,
      text: `The session had no terminal (ssh -T), so there was nothing to hang up and no interactive bash to resend SIGHUP. The only way to notice the end is a failed write: ${workload?.writesToSession ? 'this probe writes, but the write did not fail in the window.' : 'this probe never writes to the session, so it lived on.'}${eio}`,
    };
  }
  if (sever?.ordinaryEnd && protection === 'job-of-shell') {
    return { mechanism: MECHANISMS.cleanExit, text: `A clean \`exit\` is not a hangup: bash resends SIGHUP to its jobs only when it gets SIGHUP itself, or on exit with \`shopt -s huponexit\` (off here). So the & job was left running.` };
  }
  return { mechanism: MECHANISMS.other, text: `${c.reason}.` };
}

/** The paragraph after the verdict. `openssh` is the server's `ssh -V` (the fingerprint), when known. */
export function explain(c: Cell, openssh: string | null = null): Why {
  if (c.verdict === 'not-applicable') {
    return { mechanisms: [MECHANISMS.notApplicable], text: `Nothing was severed: ${c.reason}. That is a property of this combination, seen in this run, not an error.` };
  }
  if (c.verdict === 'inconclusive') {
    return { mechanisms: [MECHANISMS.inconclusive], text: `The harness could not judge this cell and says so rather than guess: ${c.reason}. It is not retried until it passes; run it again to see whether it was a race.` };
  }
  if (c.verdict === 'exited') {
    return { mechanisms: [MECHANISMS.exited], text: `${c.reason}: the probe only does that at its safety lifetime, so the window was longer than the probe's life.` };
  }
  const ka = keepaliveText(c, openssh);
  if (c.verdict === 'session-open') {
    const base = `Nothing has been survived yet: ${c.reason}.`;
    return { mechanisms: [MECHANISMS.keepalive], text: [base, ka].filter(Boolean).join(' ') };
  }
  const why = c.verdict === 'killed' ? killedWhy(c) : survivedWhy(c);
  if (c.probe.stateAtEnd?.startsWith('T')) {
    const stop = c.probe.stops?.findLast(s => s.resumedMs === null);
    why.text += ` It was alive, but stopped (state T${stop ? `, by ${stop.signal}` : ''}) when the window closed: it did no work.`;
  }
  return ka
    ? { mechanisms: [why.mechanism, MECHANISMS.keepalive], text: `${why.text} As for when: ${ka}` }
    : { mechanisms: [why.mechanism], text: why.text };
}
