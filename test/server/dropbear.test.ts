import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { BadInputError } from '../../harness/core/errors.js';
import type { ProcessInfo } from '../../harness/results.js';
import dropbear, { KEEPALIVE_LIMIT, renderDefaults } from '../../harness/server/dropbear.js';
import { servers } from '../../harness/server/registry.js';
import type { ServerConfigureContext, ServerSettings } from '../../harness/server/types.js';
import systemd from '../../harness/target/managers/systemd.js';

// Snapshots a real run took on debian-bookworm (Dropbear 2022.83): see the fixture's note.
const captured = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/dropbear-ps.json'), 'utf8')) as Record<
  'pty' | 'exec' | 'execReturned',
  { user: string; procs: ProcessInfo[] }
>;
const proc = (pid: number, ppid: number, uid: number, comm: string, args: string) => ({ pid, ppid, uid, comm, args }) as ProcessInfo;

t.test('the registry knows Dropbear by name', async t => {
  t.equal(servers.get('dropbear'), dropbear);
});

t.test('its knobs are named as Dropbear names them: -K and -I; no count, no TCP keepalive', async t => {
  t.same(dropbear.keepalive, { probeInterval: '-K', idleTimeout: '-I' });
  t.equal(dropbear.service, 'dropbear');
  t.ok(dropbear.banner.test('SSH-2.0-dropbear_2022.83\r\n'));
  t.notOk(dropbear.banner.test('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6\r\n'));
});

t.test('supports: clientAlive off or I/3 with tcpKeepAlive no; anything else with a one-line reason', async t => {
  t.equal(KEEPALIVE_LIMIT, 3);
  t.equal(dropbear.supports({ clientAlive: null, tcpKeepAlive: 'no' }), true);
  t.equal(dropbear.supports({ clientAlive: { intervalS: 5, countMax: 3 }, tcpKeepAlive: 'no' }), true);
  const count = dropbear.supports({ clientAlive: { intervalS: 1, countMax: 2 }, tcpKeepAlive: 'no' });
  t.equal(count, "Dropbear's -K gives up after 3 missed replies (DEFAULT_KEEPALIVE_LIMIT, compiled in); clientAlive 1/2 with a count other than 3 cannot be expressed (use 1/3 or off)");
  const ka = dropbear.supports({ clientAlive: null, tcpKeepAlive: 'yes' });
  t.match(ka, /never sets SO_KEEPALIVE.*tcpKeepAlive yes cannot be expressed \(use tcpKeepAlive: no\)$/);
  for (const why of [count, ka]) t.notMatch(String(why), /\n/, 'one line');
});

t.test("supports: bullseye's 2020.81 declines terminal sessions (no controlling terminal), not exec ones", async t => {
  const dropbear = servers.get('dropbear');
  const pty = dropbear.supports({ clientAlive: null, tcpKeepAlive: 'no', target: 'debian-bullseye', remotePty: true });
  t.match(pty, /^Dropbear 2020\.81 .*no controlling terminal.*run pty cells on bookworm or later$/);
  t.equal(dropbear.supports({ clientAlive: null, tcpKeepAlive: 'no', target: 'debian-bullseye', remotePty: false }), true);
  t.equal(dropbear.supports({ clientAlive: null, tcpKeepAlive: 'no', target: 'debian-bookworm', remotePty: true }), true);
});

t.test('the per-session process on captured ps rows: the root dropbear that is the parent of the login', async t => {
  const { pty, exec, execReturned } = captured;
  t.equal(dropbear.sessionProcess(pty.procs, pty.user)?.pid, 616, 'pty: parent of -bash');
  t.equal(dropbear.sessionProcess(exec.procs, exec.user)?.pid, 720, 'exec: parent of the command');
  t.match(dropbear.sessionProcess(pty.procs, pty.user)?.args ?? '', / -2 \d+$/, '2022.83 re-executes itself per connection with -2 FD');
  t.equal(dropbear.sessionProcess(execReturned.procs, execReturned.user), null, 'the command returned: Dropbear closed the connection, nothing holds it');
  t.equal(dropbear.monitorProcess(pty.procs, pty.user), null, 'no privilege separation, no monitor');
});

t.test('for root, whose snapshot holds every root process: never the listener, only a parent of a process', async t => {
  const listener = proc(100, 1, 0, 'dropbear', '/usr/sbin/dropbear -EF -p 22 -W 65536 -K 1 -I 0');
  const idle = proc(101, 100, 0, 'dropbear', '/usr/sbin/dropbear -EF -p 22 -W 65536 -K 1 -I 0 -2 8');
  const login = proc(102, 100, 0, 'dropbear', '/usr/sbin/dropbear -EF -p 22 -W 65536 -K 1 -I 0 -2 9');
  const shell = proc(103, 102, 0, 'bash', '-bash');
  t.equal(dropbear.sessionProcess([listener, idle, login, shell], 'root')?.pid, 102);
  t.equal(dropbear.sessionProcess([listener, idle], 'root'), null);
  t.equal(dropbear.sessionProcess([proc(5, 4, 1001, 'dropbear', 'dropbear'), proc(6, 5, 1001, 'sh', 'sh')], 'hl1'), null, 'a dropbear the user runs is not the server');
});

t.test('the fingerprint: version, the listener\'s options as the report compares them, KillMode', async t => {
  const read = dropbear.fingerprint.read({
    'server.version': 'Dropbear v2022.83',
    'server.effective.clientaliveinterval': '1',
    'server.effective.clientalivecountmax': '3',
    'server.effective.tcpkeepalive': 'no',
    'server.effective.usepam': 'no',
    'server.killmode': 'process',
    'logind.KillUserProcesses': 'no',
  });
  t.same(read, { version: 'Dropbear v2022.83', effective: { clientaliveinterval: '1', clientalivecountmax: '3', tcpkeepalive: 'no', usepam: 'no' }, killMode: 'process' });
  t.match(dropbear.fingerprint.script, /dropbear -V/);
  t.equal(dropbear.fingerprint.stopModeOf, 'dropbear', 'its KillMode is asked of the session manager, for its unit');
  t.match(systemd.stopMode(dropbear.fingerprint.stopModeOf), /systemctl show dropbear -p KillMode/);
});

t.test('/etc/default/dropbear: -K from the cell, no idle timeout, only the pinned ed25519 key', async t => {
  t.match(renderDefaults(5), /^DROPBEAR_EXTRA_ARGS="-K 5 -I 0 -r \/etc\/dropbear\/dropbear_ed25519_host_key"$/m);
  t.match(renderDefaults(0), /-K 0 /);
  t.match(renderDefaults(0), /^NO_START=0$/m, "bullseye's init script starts nothing without it");
  t.match(dropbear.hostKeyScript, /^dropbearkey -y -f \/etc\/dropbear\/dropbear_ed25519_host_key/);
  t.match(dropbear.loginLog('hl1', systemd.serviceLog), /journalctl .*-u 'dropbear\.service'.*'hl1'/);
});

function ctx(settings: Partial<ServerSettings>, scripts: string[] = []): ServerConfigureContext {
  return {
    targetName: 'debian-bookworm',
    scenarioFile: 's.yaml',
    settings: { clientAlive: null, tcpKeepAlive: false, extra: [], userConfig: null, ...settings },
    restartService: systemd.restartService,
    sh: async script => {
      scripts.push(script);
      return { exitCode: 0, stdout: '', stderr: '' };
    },
    copy: async () => {},
  };
}

t.test('sshd_config lines do not apply to Dropbear: one line naming the field, before anything runs', async t => {
  const scripts: string[] = [];
  await t.rejects(dropbear.configure(ctx({ extra: ['MaxStartups 100'] }, scripts)), new BadInputError('s.yaml: sshd.extra[0]: "MaxStartups 100" is an sshd_config line, and the dropbear server has no sshd_config; remove sshd.extra or run these cells with server: openssh'));
  const userConfig = { file: 'my_sshd_config' } as ServerSettings['userConfig'];
  await t.rejects(dropbear.configure(ctx({ userConfig }, scripts)), /^s\.yaml: sshd\.config: my_sshd_config is an sshd_config, and the dropbear server has no sshd_config/);
  t.same(scripts, [], 'nothing ran in the target');
});

t.test('configure stops and masks ssh, makes the host key once, and restarts dropbear', async t => {
  const scripts: string[] = [];
  await dropbear.configure(ctx({ clientAlive: { intervalS: 2, countMax: 3 } }, scripts));
  t.equal(scripts.length, 1);
  t.match(scripts[0], /systemctl disable --now ssh\.service ssh\.socket.*systemctl mask ssh\.service/);
  t.match(scripts[0], /\[ -s \/etc\/dropbear\/dropbear_ed25519_host_key \] \|\| dropbearkey -t ed25519/);
  t.match(scripts[0], /systemctl restart dropbear\.service/);
});
