// `hangup-lab inspect` against a server this project did not build (test/fixtures/own-server/:
// stock Debian bookworm, systemd as PID 1, one user allowed `sudo sshd -T` and nothing else):
// what it finds is what bookworm has, and it leaves nothing behind, neither files nor processes.
// Traffic goes only to 127.0.0.1 (the container's published port).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import t from 'tap';
import { inspectReportSchema, type InspectReport } from '../../harness/inspect/report.js';
import { cli, lastLine } from '../fixtures/cli.js';
import { startOwnServer, untilNoUserProcesses, userProcesses, type StartedOwnServer } from '../fixtures/own-server.js';

t.setTimeout(20 * 60_000);

const server: StartedOwnServer = await startOwnServer(t);
const out = t.testdir({});

const login = (s: StartedOwnServer) => ['--host', `${s.user}@127.0.0.1`, '--port', String(s.port), '--identity', s.key, ...s.sshOptions.flatMap(o => ['--ssh-option', o])];

/** Everything under the user's home and /tmp: path, type, size, mode, mtime. */
const listing = () => server.sh(`find /home/${server.user} /tmp -xdev -printf '%p %y %s %m %T@\\n' | sort`);

function inspect(name: string, extra: string[] = []): { status: number | null; stderr: string; stdout: string; report: InspectReport | null } {
  const file = path.join(out, `${name}.json`);
  const r = cli(['inspect', ...login(server), '--out', file, ...extra], {}, 3 * 60_000);
  const report = fs.existsSync(file) ? inspectReportSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))) : null;
  return { ...r, report };
}

t.test('with sudo for sshd -T: the facts of stock bookworm, and nothing left on the host', async t => {
  // The fixture's readiness login ends first: its user manager lingers UserStopDelaySec (10 s).
  await untilNoUserProcesses(server);
  const before = listing();
  const r = inspect('sudo');
  t.equal(r.status, 0, lastLine(r.stderr));
  const rep = r.report!;
  t.ok(rep, 'the report was written and passes its schema');
  t.equal(rep.complete, true);
  t.same(rep.unknown, [], 'every fact was read');
  const fp = rep.fingerprint;
  t.match(fp.serverVersion, /^OpenSSH_9\.2p1 Debian-2\+deb12u\d+/, 'OpenSSH 9.2 of bookworm');
  t.match(fp.versions.systemd, /^systemd 252 \(252\.\d+/);
  t.equal(rep.host.os.version_codename, 'bookworm');
  t.equal(fp.manager, 'systemd');
  t.equal(fp.config.killUserProcesses, 'no', "bookworm's logind default");
  t.equal(fp.logind.KillUserProcesses, 'no');
  t.equal(rep.host.sshd.source, 'sudo -n sshd -T');
  t.match(fp.sshdEffective, { clientaliveinterval: '0', clientalivecountmax: '3', tcpkeepalive: 'yes', usepam: 'yes' });
  t.equal(fp.config.clientAlive, 'off');
  t.equal(fp.sshKillMode, 'process', "Debian's ssh.service");
  t.equal(rep.host.pamSystemd.present, 'yes');
  t.match(rep.host.pamSystemd.lines.join('\n'), /common-session: session\s+optional\s+pam_systemd\.so/);
  t.equal(rep.host.linger, 'no');
  t.equal(rep.host.shell.huponexit, 'off');
  t.equal(rep.host.shell.path, '/bin/bash');
  t.match(rep.host.session, { Remote: 'yes', Service: 'sshd', Class: 'user' }, "inspect's own login had a logind session");
  t.equal(fp.versions.tmux, 'not installed');
  t.same(rep.surprises.map(s => s.fact).sort(), ['linger for alice', 'sshd ClientAliveInterval']);
  t.match(r.stdout, /^sshd {9}effective \(sudo -n sshd -T\): ClientAliveInterval 0 !/m);
  t.match(r.stdout, /known to surprise:/);
  // Nothing left: no process of the user once the login ended, the same files as before.
  await untilNoUserProcesses(server);
  t.equal(userProcesses(server), '');
  t.equal(listing(), before, `home and /tmp unchanged:\n${before}`);
});

t.test('--no-sudo: the files, said to be the files; sudo never ran', async t => {
  const before = listing();
  const journalBefore = server.sh("journalctl -q --no-pager -o cat _COMM=sudo 2>/dev/null | wc -l").trim();
  const r = inspect('no-sudo', ['--no-sudo']);
  t.equal(r.status, 0, lastLine(r.stderr));
  const rep = r.report!;
  t.equal(rep.host.sshd.source, 'files');
  t.same(rep.host.sshd.files, ['/etc/ssh/sshd_config']);
  t.same(rep.fingerprint.sshdEffective, {});
  t.same(rep.unknown, [{ fact: 'sshd.effective', why: 'not asked: --no-sudo (sshd -T needs root)' }]);
  t.equal(rep.fingerprint.config.clientAlive, 'off', "bookworm's files set none: OpenSSH's default");
  t.match(r.stdout, /^sshd {9}files \(\/etc\/ssh\/sshd_config\), not effective values/m);
  t.equal(server.sh("journalctl -q --no-pager -o cat _COMM=sudo 2>/dev/null | wc -l").trim(), journalBefore, 'no sudo line in the journal');
  await untilNoUserProcesses(server);
  t.equal(listing(), before);
});

t.test('bad input: one line naming the flag, exit 2, no login', async t => {
  const r = cli(['inspect', '--host', `${server.user}@127.0.0.1`, '--port', 'twenty-two']);
  t.equal(r.status, 2);
  t.equal(r.stderr.trim(), 'hangup-lab inspect: --port "twenty-two": a port is an integer from 1 to 65535');
  const h = cli(['inspect', '--host', 'user@bad host']);
  t.equal(h.status, 2);
  t.match(h.stderr.trim(), /^hangup-lab inspect: --host "user@bad host": "bad host" is not a host name or address; e\.g\./);
});

t.test('a port nothing listens on: one line with what happened and what to try, exit 3', async t => {
  // A port of 127.0.0.1 just freed: nothing listens there.
  const free = await new Promise<number>(resolve => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const r = cli(['inspect', '--host', `${server.user}@127.0.0.1`, '--port', String(free), '--identity', server.key, '--out', path.join(out, 'refused.json')]);
  t.equal(r.status, 3);
  t.match(lastLine(r.stderr), new RegExp(`^hangup-lab inspect: ssh to alice@127\\.0\\.0\\.1 port ${free} failed: ssh: connect to host 127\\.0\\.0\\.1 port ${free}: Connection refused; nothing listens there`));
  t.notOk(fs.existsSync(path.join(out, 'refused.json')), 'no report');
});

t.test('a key the server does not know: exit 3, and no password prompt', async t => {
  const other = path.join(out, 'other_key');
  const { execFileSync } = await import('node:child_process');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
  const r = cli(['inspect', ...login(server).map(a => (a === server.key ? other : a)), '--ssh-option', 'IdentitiesOnly=yes', '--out', path.join(out, 'denied.json')], { SSH_AUTH_SOCK: '' }, 120_000);
  t.equal(r.status, 3);
  t.match(lastLine(r.stderr), /failed: alice@127\.0\.0\.1: Permission denied \(publickey[^)]*\); check the user name and that your key is in its authorized_keys/);
});
