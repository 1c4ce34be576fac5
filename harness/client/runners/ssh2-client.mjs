// One SSH session through the npm package ssh2 (its Client), as a Node program opens one: the
// run's key, the pinned host key (hostVerifier) and nothing else (no agent), its keepalive if
// asked, then a shell or a command, with or without a remote pseudo-terminal, relayed to this
// process's terminal. A process of its own (harness/client/ssh2.ts runs it with node), so that a
// killed client is a real process killed with its socket, and its connection is found in its
// /proc/PID/fd. Plain JavaScript: it runs from a fresh clone without tsx or a build.
//
// Exit status, as OpenSSH's ssh does it (the harness reads it so): the remote command's status,
// or 255 for its own failure, with one line on stderr: the cause in the words the harness knows
// (run/setup.ts) followed by ssh2's own error.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const LIBRARY = 'ssh2';
const OWN_FAILURE = 255;
const TERM = 'xterm-256color';
const require = createRequire(import.meta.url);

const { values: a } = parseArgs({
  options: {
    version: { type: 'boolean', default: false },
    host: { type: 'string' },
    port: { type: 'string', default: '22' },
    user: { type: 'string' },
    key: { type: 'string' },
    'known-hosts': { type: 'string' },
    'host-key-alias': { type: 'string' },
    'server-alive': { type: 'string', default: 'off' },
    tty: { type: 'boolean', default: false },
    command: { type: 'string' },
  },
  strict: true,
});

function fail(cause, error) {
  const text = String(error?.message ?? error).replace(/\s+/g, ' ').trim();
  // Written before the exit, synchronously: nothing else of this process runs after it.
  try {
    fs.writeSync(2, `${LIBRARY}: ${cause}: ${text}\r\n`);
  } finally {
    process.exit(OWN_FAILURE);
  }
}

function loadSsh2() {
  try {
    return { Client: require('ssh2').Client, version: require('ssh2/package.json').version };
  } catch (e) {
    process.stderr.write(`${LIBRARY}: not installed beside ${new URL(import.meta.url).pathname} (${e.code ?? e.message}); run: npm ci\n`);
    process.exit(1);
  }
}

/** "type base64" of the line filed under the alias: the connection goes to another name. */
function pinnedKey(file, alias) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 3 && f[0].split(',').includes(alias)) return { type: f[1], blob: Buffer.from(f[2], 'base64') };
  }
  throw new Error(`${file} has no host key for ${alias}`);
}

function serverAlive(text) {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  // keepaliveInterval is in ms; 0 turns ssh2's keepalive off.
  return m ? { keepaliveInterval: Number(m[1]) * 1000, keepaliveCountMax: Number(m[2]) } : { keepaliveInterval: 0 };
}

const ssh2 = loadSsh2();
if (a.version) {
  console.log(`${LIBRARY} ${ssh2.version} (node ${process.version})`);
  process.exit(0);
}
for (const name of ['host', 'user', 'key', 'known-hosts', 'host-key-alias']) {
  if (a[name] === undefined) fail('usage', `missing --${name}`);
}

let pinned;
let privateKey;
try {
  pinned = pinnedKey(a['known-hosts'], a['host-key-alias']);
} catch (e) {
  fail('Host key verification failed', e);
}
try {
  privateKey = fs.readFileSync(a.key);
} catch (e) {
  fail(`Load key "${a.key}"`, e);
}

const conn = new ssh2.Client();
let status = null;
let loggedIn = false;
let ended = false;
let lastError = null;

conn.on('error', e => {
  lastError = e;
  if (loggedIn) return;
  // Before the login completed: ssh2 names the stage in e.level.
  if (/Host denied/.test(e.message)) fail('Host key verification failed', e);
  else if (e.level === 'client-authentication') fail('Permission denied (publickey)', e);
  else if (e.code === 'ECONNREFUSED') fail('Connection refused', e);
  else if (e.level === 'client-timeout' || e.code === 'ETIMEDOUT') fail('Connection timed out', e);
  else if (/privateKey|parse/i.test(e.message)) fail(`Load key "${a.key}"`, e);
  else fail('connection failed', e);
});

conn.on('close', () => {
  if (!loggedIn || ended) return;
  // The connection ended before the channel did: its socket closed or reset, or ssh2's keepalive
  // gave up ("Keepalive timeout"). ssh exits 255 then, and so does this.
  fail('connection lost', lastError ?? 'the connection closed before the session ended');
});

conn.on('ready', () => {
  loggedIn = true;
  const pty = { term: TERM, cols: process.stdout.columns || 160, rows: process.stdout.rows || 40 };
  const opened = (err, stream) => {
    if (err) return fail('connection lost', err);
    relay(stream);
  };
  if (a.command === undefined) conn.shell(a.tty ? pty : false, opened);
  else conn.exec(a.command, a.tty ? { pty } : {}, opened);
});

/** Both ways until the channel closes; the local terminal raw while a remote one serves it, as ssh -tt does. */
function relay(stream) {
  const raw = a.tty && process.stdin.isTTY;
  if (raw) process.stdin.setRawMode(true);
  process.stdin.on('data', d => stream.write(d));
  process.stdin.on('end', () => stream.end());
  stream.on('data', d => process.stdout.write(d));
  stream.stderr.on('data', d => process.stderr.write(d));
  stream.on('exit', code => {
    // A signal's death comes as (null, signalName): no status, as for ssh.
    if (typeof code === 'number') status = code;
  });
  stream.on('close', () => {
    ended = true;
    if (raw) process.stdin.setRawMode(false);
    if (status === null) return fail('connection lost', lastError ?? 'the channel closed without an exit status');
    // stdout is the terminal: its writes are done when the process exits.
    conn.end();
    process.exitCode = status;
    process.exit(status);
  });
}

try {
  conn.connect({
    host: a.host,
    port: Number(a.port),
    username: a.user,
    privateKey,
    readyTimeout: 15_000,
    // Only the pinned key's algorithm is offered, so the server presents that key; hostVerifier
    // gets the raw key blob and accepts exactly the pinned one.
    algorithms: { serverHostKey: [pinned.type] },
    hostVerifier: key => Buffer.isBuffer(key) && key.equals(pinned.blob),
    ...serverAlive(a['server-alive']),
  });
} catch (e) {
  // ssh2 parses the private key in connect() and throws when it cannot.
  fail(/key/i.test(e.message) ? `Load key "${a.key}"` : 'connection failed', e);
}
