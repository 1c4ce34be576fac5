// The ssh command lines of a run on a server of the user's own (`run --host`): pure, so a test and
// `--dry-run` read exactly what the run executes.
import { ownLoginArgs } from '../core/own-login.js';

/** How the user reaches their server: their ssh config and agent apply; these are the flags they gave. */
export interface HostLogin {
  user: string | null;
  host: string;
  port: number | null;
  /** a private key (ssh -i) */
  identity?: string;
  /** `K=V`, each passed as `-o K=V` */
  sshOptions: readonly string[];
}

/** `user@host`, or `host` when ssh's config decides the user. */
export function destinationOf(l: Pick<HostLogin, 'user' | 'host'>): string {
  return l.user ? `${l.user}@${l.host}` : l.host;
}

/**
 * The observer's connection (`master`: held open, -N) or one command over it. BatchMode comes
 * first (for ssh the first value wins: nothing can make it prompt), the control socket is the
 * run's own, and ConnectTimeout comes after the user's options, so theirs wins.
 */
export function hostSshArgs(l: HostLogin, o: { controlPath: string; master: boolean }, command: string | null): string[] {
  const forced = ['-S', o.controlPath, ...(o.master ? ['-M', '-N', '-o', 'ControlPersist=no'] : ['-o', 'ControlMaster=no'])];
  return [
    ...ownLoginArgs(l, forced, ['-T']),
    '--',
    destinationOf(l),
    ...(command === null ? [] : [command]),
  ];
}

const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A command as the remote login shell reads it (`$SHELL -c LINE`): each word single-quoted unless bare. */
export function quoteCommand(cmd: readonly string[]): string {
  return cmd.map(a => (BARE.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** A local command line as a person would paste it (for --dry-run). */
export function shownCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map(a => (BARE.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * The cell's own files on the server: the probe's log, nohup.out, tmux's socket. Emptied after
 * every cell (containers/host-agent/reap), as a container's cell starts with a user of its own.
 */
export function workDir(dir: string): string {
  return `${dir}/work`;
}

/**
 * The first line typed in the session under test, before the launch line: the harness's prompt
 * (the user's own is unknown), no history written to their ~/.bash_history, the run's marker that
 * everything started from the shell inherits (how the run finds and ends only its own processes:
 * containers/host-agent/), the shell's pid and start time for the snapshot, tmux's and screen's sockets in the
 * cell's directory, so a server of the run's own starts (marked), never the user's; and that
 * directory as the working one, so what a launch writes where it runs (nohup.out) stays there.
 */
export function promptSetupLine(dir: string, mark: string): string {
  const work = workDir(dir);
  return (
    `unset HISTFILE; export HANGUP_LAB_MARK=${mark} TMUX_TMPDIR=${work} SCREENDIR=${work}/screen SYSTEMD_PAGER= PAGER=cat; ` +
    `PROMPT_COMMAND=; PS1='[hl-ready]\\$ '; cd ${work} && echo $$ $(cut -d' ' -f22 /proc/$$/stat) > ${dir}/shell.pid`
  );
}
