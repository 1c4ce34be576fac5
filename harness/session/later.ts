// The editor-server pattern (issue 15; microsoft/vscode-remote-release#10448, #11151): a program
// is started by `ssh host 'nohup server > log 2>&1 &'`, that command returns and its session ends,
// and the person goes on working in a later login. The sever acts on that later login: does what
// the first session left behind outlive the end of a session it was never part of? (The user
// manager says yes and no: it stops UserStopDelaySec after the *last* session ends.)
import { DEFAULT_CLIENT, clients } from '../client/registry.js';
import { failedOnItsOwn } from '../client/types.js';
import { patientMs } from '../core/patience.js';
import { loginAndLaunch, shellRoundTrip } from './prompt.js';
import { ClientWaitError, SshClient, stripAnsi } from './ssh-client.js';
import { SessionDeclined, defineSessionKind } from './types.js';

/**
 * How long the launching command gets to return, on a quiet machine (stretched for the load).
 * A login and a detaching launch line take well under a second; a job that keeps the channel's
 * output open never returns (the exec × logout cells measure that: session-open).
 */
const RETURN_MS = 15_000;

export default defineSessionKind({
  name: 'later',
  summary: "ssh -T host 'command' returns, then a later login (ssh -tt, a shell) is the session severed: an editor's remote server",
  // What the launch line meets is the first session's: no terminal, the line is its command.
  remotePty: false,
  shell: false,
  seversLaterLogin: true,
  supports: launch => (launch.holdsTerminal ? 'the command runs in the foreground and never returns, so there is no later login' : true),
  async start(ep, launchLine) {
    const first = new SshClient(ep, { remotePty: false, command: launchLine });
    const returnMs = patientMs(RETURN_MS);
    const returned = await Promise.race([first.exited, new Promise<null>(r => setTimeout(r, returnMs, null).unref())]);
    const said = first.lastLines(1)[0] ?? '';
    if (!returned) {
      first.kill('SIGKILL');
      throw new SessionDeclined(`the command that started it had not returned after ${returnMs} ms (what it started keeps the session's output open: an exec session stays open), so there was no later login to sever`);
    }
    // The client's own failure (a refused login) is a setup failure, tried again; any other status is the command's.
    const code = returned.exitCode;
    const ownFailure = code === null || failedOnItsOwn(clients.get(ep.client ?? DEFAULT_CLIENT), code, stripAnsi(first.text));
    if (ownFailure) throw new ClientWaitError(`the launching login failed (${code ?? returned.signal}): ${said}`, said, true);
    const later = new SshClient(ep, { remotePty: true });
    await loginAndLaunch(later, { what: 'the later login shell prompt', promptMs: 20_000, line: 'true', holdsTerminal: false });
    return {
      client: later,
      launcher: first,
      async logout() {
        later.type('exit');
      },
      roundTrip: timeoutMs => shellRoundTrip(later, timeoutMs),
    };
  },
});
