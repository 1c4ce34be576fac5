// The library clients (paramiko, asyncssh, ssh2) against a real sshd, observed:
// - each runner logs in with the run's key and pins the target's host key: with the right key it
//   runs a command (with and without a remote terminal) and an interactive shell, with another
//   pinned key it refuses before anything runs;
// - a real run of the matrix client × session × launch × sever, asking what automation users ask
//   (https://github.com/paramiko/paramiko/issues/785, https://github.com/mscdex/ssh2/issues/382):
//   is the remote command still running after the client died?
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { clients } from '../../harness/client/registry.js';
import type { CellResult, RunResult } from '../../harness/results.js';
import { clientVersion } from '../../harness/client/version.js';
import { SHELL_PROMPT } from '../../harness/session/prompt.js';
import { SshClient } from '../../harness/session/ssh-client.js';
import { cli, cliAsync, lastLine } from '../fixtures/cli.js';
import { startPinnedTarget } from '../fixtures/target.js';

const LIBRARIES = ['paramiko', 'asyncssh', 'ssh2'] as const;

t.test('each library runner pins the host key: the right one logs in, any other is refused', async t => {
  const { right, wrong, endpoint } = await startPinnedTarget(t, 'libpin00', 'library-clients.test.ts', 'hllibpin');

  for (const lib of LIBRARIES) {
    t.comment(`${lib}: ${clientVersion(clients.get(lib))}`);
    const refused = new SshClient(endpoint(lib, wrong), { remotePty: false, command: 'echo hl-logged-in' });
    const no = await refused.exited;
    t.equal(no.exitCode, 255, `${lib}, another pinned key: exit 255, the client's own failure (${refused.lastLines(1)[0]})`);
    t.match(refused.lastLines(1)[0] ?? '', /^\S+: Host key verification failed: /, `${lib}: in the words the harness classifies`);
    t.notMatch(refused.text, /hl-logged-in/, `${lib}: and the command never ran`);

    for (const remotePty of [false, true]) {
      const c = new SshClient(endpoint(lib, right), { remotePty, command: 'tty; echo hl-$((20+22)); exit 7' });
      const x = await c.exited;
      t.equal(x.exitCode, 7, `${lib}, command ${remotePty ? 'with' : 'without'} a remote terminal: the remote status is the exit status (${c.lastLines(2).join(' / ')})`);
      t.match(c.text, /hl-42/, `${lib}: the command ran`);
      t.match(c.text, remotePty ? /\/dev\/pts\/\d+/ : /not a tty/, `${lib}: ${remotePty ? 'a' : 'no'} remote terminal`);
    }

    const shell = new SshClient(endpoint(lib, right), { remotePty: true });
    const ready = await shell.waitFor(SHELL_PROMPT, 'the prompt', 30_000);
    shell.type('echo hl-$((40+2)) $TERM $(stty size)');
    await shell.waitFor(/hl-42 xterm-256color 40 160/, 'the answer', 15_000, ready);
    shell.type('exit 3');
    t.equal((await shell.exited).exitCode, 3, `${lib}: the interactive shell answered typed lines and its exit status came back`);
  }
});

// Every cell of the process-level block on every client, and the silent drop on the clients
// whose keepalive can notice it (paramiko's cannot, so it is dropped without one: it never notices).
const SCENARIO = `
name: library-clients
description: paramiko, asyncssh and ssh2 as the client; is the remote command still running after the client died?
target: debian-bookworm
sshd: {ClientAliveInterval: 1, ClientAliveCountMax: 2, TCPKeepAlive: true}
axes:
  client: [paramiko, asyncssh, ssh2]
  workload: [quiet]
run: {concurrency: 8, latencyRepeats: 1}
matrices:
  - name: the client killed, or a logout
    axes:
      session: [pty, exec]
      launch: [foreground, nohup, setsid]
      sever: [client-kill, logout]
  - name: a silent drop that only the client's keepalive notices
    axes:
      client: [asyncssh, ssh2]
      session: [pty, exec]
      launch: [foreground]
      clientAlive: ["off"]
      serverAlive: ["1/2"]
      sever: [drop]
  - name: a silent drop that paramiko never notices
    axes:
      client: [paramiko]
      session: [pty]
      launch: [foreground]
      clientAlive: ["off"]
      sever: [drop]
`;

t.test('a run with the library clients: what survives the client, observed', async t => {
  const dir = t.testdir({ 'scenario.yaml': SCENARIO });
  const run = await cliAsync(['run', '--scenario', path.join(dir, 'scenario.yaml'), '--out', path.join(dir, 'out'), '--progress', 'log']);
  t.equal(run.status, 0, `the run finished: ${lastLine(run.stderr)}`);
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'results.json'), 'utf8')) as RunResult;
  for (const lib of LIBRARIES) t.match(result.clients[lib], new RegExp(`^${lib} \\d+\\.\\d+`), `the run recorded ${lib}'s version: ${result.clients[lib]}`);
  t.same(
    result.cells.filter(c => c.verdict === 'inconclusive').map(c => `${c.client} ${c.session}/${c.launch}/${c.sever}: ${c.reason}`),
    [],
    'every cell could be judged',
  );
  const cell = (client: string, session: string, launch: string, sever: string): CellResult => {
    const found = result.cells.filter(c => c.client === client && c.session === session && c.launch === launch && c.sever === sever);
    if (found.length !== 1) throw new Error(`expected one cell ${client} ${session}/${launch}/${sever}, found ${found.length}`);
    return found[0]!;
  };
  const said = (c: CellResult) => `${c.verdict}${c.signal ? ` ${c.signal}` : ''}; client ${c.clientEnd?.exitSignal ?? c.clientEnd?.exitCode ?? 'still running'}: ${c.clientEnd?.lastLines.at(-1) ?? ''}`;

  for (const lib of LIBRARIES) {
    t.test(lib, async t => {
      // A remote terminal: sshd hangs it up when the killed client's connection closes.
      const ptyKilled = cell(lib, 'pty', 'foreground', 'client-kill');
      t.equal(ptyKilled.verdict, 'killed', `with a remote pty, the foreground command dies with the client (${said(ptyKilled)})`);
      t.equal(ptyKilled.signal, 'SIGHUP');
      // No remote terminal: nothing sends a signal; a command that does not write keeps running.
      for (const launch of ['foreground', 'nohup', 'setsid']) {
        const c = cell(lib, 'exec', launch, 'client-kill');
        t.equal(c.verdict, 'survived', `without a pty, ${launch}: the remote command outlives the killed client (${said(c)})`);
        t.not(c.sessionEndedMs, null, 'and sshd ended the session');
      }
      for (const launch of ['nohup', 'setsid']) {
        for (const sever of ['client-kill', 'logout']) t.equal(cell(lib, 'pty', launch, sever).verdict, 'survived', `pty, ${launch}, ${sever}`);
      }
      t.equal(cell(lib, 'pty', 'foreground', 'logout').verdict, 'not-applicable', 'a typed exit cannot reach the shell behind a foreground job');
      t.equal(cell(lib, 'exec', 'foreground', 'logout').verdict, 'not-applicable', 'a foreground command never returns');
    });
  }

  t.test('exec with a background command that keeps the output open: the session stays, except with ssh2', async t => {
    // The command returned (exit-status sent) but the backgrounded probe still holds the channel's
    // output pipe, so sshd keeps the channel open, as it does for OpenSSH's ssh.
    for (const lib of ['paramiko', 'asyncssh']) {
      for (const launch of ['nohup', 'setsid']) {
        const c = cell(lib, 'exec', launch, 'logout');
        t.equal(c.verdict, 'session-open', `${lib}, ${launch}: the session stays open (${c.reason})`);
      }
    }
    // ssh2 1.17 ignores every channel request after the exit status (lib/client.js,
    // CHANNEL_REQUEST), sshd's ClientAlive probes included: sshd gives up on the client
    // ("Timeout, client not responding") and ends the session, the probe survives it.
    for (const launch of ['nohup', 'setsid']) {
      const c = cell('ssh2', 'exec', launch, 'logout');
      t.equal(c.verdict, 'survived', `ssh2, ${launch}: sshd ended the session (${said(c)}, sshd after ${c.sessionEndedMs} ms)`);
      t.not(c.sessionEndedMs, null);
      t.equal(c.clientEnd?.exitCode, 255, 'the client saw its connection end before the channel did');
    }
  });

  t.test('a silent drop: the client keepalive ends the client, never the remote command', async t => {
    for (const lib of ['asyncssh', 'ssh2']) {
      for (const session of ['pty', 'exec']) {
        const c = cell(lib, session, 'foreground', 'drop');
        t.not(c.pathBrokeMs, null, `${lib} ${session}: the runner's own connection was found and cut`);
        t.equal(c.verdict, 'session-open', `${lib} ${session}: sshd never learns, the foreground command keeps running (${said(c)})`);
        t.equal(c.clientEnd?.exitCode, 255, `${lib} ${session}: the client gave up (${c.clientEnd?.exitMs} ms after the sever)`);
        t.match(c.clientEnd?.lastLines.join(' ') ?? '', /not responding to keepalive|Keepalive timeout/, 'because its keepalive went unanswered');
      }
    }
    const p = cell('paramiko', 'pty', 'foreground', 'drop');
    t.not(p.pathBrokeMs, null, "paramiko: the runner's own connection was found and cut");
    t.equal(p.verdict, 'session-open', `paramiko: neither end notices (${p.reason})`);
    t.equal(p.clientEnd?.exitMs ?? null, null, 'paramiko was still waiting when the watch ended');
  });
});

t.test('paramiko with a ServerAlive count: refused when the scenario loads, with the reason', async t => {
  const dir = t.testdir({
    'scenario.yaml': 'name: x\ntarget: debian-bookworm\naxes: {client: [paramiko], session: [pty], launch: [nohup], workload: [quiet], sever: [drop], serverAlive: ["1/2"]}\n',
  });
  const r = cli(['run', '--scenario', path.join(dir, 'scenario.yaml'), '--out', path.join(dir, 'out')], {}, 60_000);
  t.equal(r.status, 2, 'bad input');
  t.match(lastLine(r.stderr), /paramiko .*never give up.*serverAlive "off"/);
});
