// Which implementations a cell uses, and the path a cell takes when one of them declines: rejected
// at load time when every cell of a block is affected, not-applicable with the reason otherwise.
// Today's OpenSSH server and client decline nothing, so a throwaway fake shows the path works.
import t, { type Test } from 'tap';
import openssh from '../../harness/client/openssh.js';
import { makeRegistry } from '../../harness/core/registry.js';
import type { ClientImplementation } from '../../harness/client/types.js';
import type { ServerImplementation } from '../../harness/server/types.js';
import { servers } from '../../harness/server/registry.js';
import { implementationsDecline, implementationsOf, implementationsSupport } from '../../harness/target/implementations.js';
import { TARGETS } from '../../harness/target/targets.js';
import { testCell } from '../fixtures/cell.js';
import { scenarioFile } from '../scenario/helpers.js';
import { loadScenario as realLoad } from '../../harness/scenario/load.js';

/** A client like OpenSSH's that has no ServerAlive and cannot be frozen. */
const noKeepaliveClient: ClientImplementation = {
  ...openssh,
  name: 'fake-client',
  keepalive: {},
  signals: { kill: 'SIGKILL' },
  supports: needs =>
    needs.serverAlive ? 'it has no client-side keepalive' : needs.controls.includes('freeze') ? 'it cannot be frozen' : needs.session.shell ? true : 'it opens shells only',
};

/** A server like OpenSSH's without ClientAlive probes. */
const noClientAliveServer: ServerImplementation = {
  ...servers.get('openssh'),
  name: 'fake-server',
  supports: needs => (needs.clientAlive ? 'it has no server-side keepalive probes' : true),
};

const cell = { target: 'debian-bookworm', session: 'pty', launch: 'nohup', sever: 'client-kill', clientAlive: 'off', serverAlive: 'off', tcpKeepAlive: 'yes' };

t.test('every target installs OpenSSH; a cell without the axes uses OpenSSH on both sides', async t => {
  for (const spec of Object.values(TARGETS)) t.ok(spec.servers.includes('openssh'), spec.name);
  const impl = implementationsOf(cell);
  t.equal(impl.server?.name, 'openssh');
  t.equal(impl.client.name, 'openssh');
  t.equal(implementationsOf({ session: 'pty' }).server.name, 'openssh', 'no server axis: the default');
  t.equal(
    implementationsDecline({ ...cell, server: 'fake-server' }, { server: noClientAliveServer, client: openssh }),
    `the image of debian-bookworm has no fake-server server (it has ${TARGETS['debian-bookworm']!.servers.join(', ')})`,
  );
});

t.test("today's OpenSSH server and client support every cell", async t => {
  for (const session of ['pty', 'exec', 'exec-tty']) {
    for (const sever of ['client-kill', 'sleep:2', 'drop']) {
      t.equal(implementationsSupport({ ...cell, session, sever, clientAlive: '1/2', serverAlive: '1/2', tcpKeepAlive: 'no' }), true, `${session} × ${sever}`);
    }
  }
});

t.test('a declining implementation gives the reason, naming the implementation', async t => {
  const impl = { server: noClientAliveServer, client: noKeepaliveClient };
  t.equal(implementationsDecline(cell, impl), null);
  t.equal(implementationsDecline({ ...cell, clientAlive: '5/2' }, impl), 'the fake-server server of debian-bookworm cannot: it has no server-side keepalive probes');
  t.equal(implementationsDecline({ ...cell, serverAlive: '5/2' }, impl), 'the fake-client client cannot: it has no client-side keepalive');
  t.equal(implementationsDecline({ ...cell, sever: 'sleep:2' }, impl), 'the fake-client client cannot: it cannot be frozen', "a sever that freezes the client asks for 'freeze'");
  t.equal(implementationsDecline({ ...cell, session: 'exec' }, impl), 'the fake-client client cannot: it opens shells only');
  t.equal(implementationsDecline({ session: 'pty', serverAlive: 'off' }, impl), null, 'only the axes given are asked about');
});

/** The implementations check with the fake client in the client registry (mocks reach direct imports only). */
const withFakeClient = (t: Test) =>
  t.mockImport<typeof import('../../harness/target/implementations.js')>('../../harness/target/implementations.js', {
    '../../harness/client/registry.js': { clients: makeRegistry('client implementation', [openssh, noKeepaliveClient]), DEFAULT_CLIENT: 'openssh' },
  });

t.test('with a fake client in the registry: a block of cells it cannot run is rejected at load time in one line', async t => {
  const contradictions = await t.mockImport('../../harness/scenario/contradictions.js', { '../../harness/target/implementations.js': await withFakeClient(t) });
  const { loadScenario } = await t.mockImport<typeof import('../../harness/scenario/load.js')>('../../harness/scenario/load.js', {
    '../../harness/scenario/contradictions.js': contradictions,
    '../../harness/client/registry.js': { clients: makeRegistry('client implementation', [openssh, noKeepaliveClient]), DEFAULT_CLIENT: 'openssh' },
  });
  const head = 'name: t\ntarget: debian-bookworm\n';
  const axes = (client: string, serverAlive: string) =>
    scenarioFile(t, head + `axes: { client: [${client}], session: [pty], launch: [nohup], workload: [quiet], sever: [client-kill], serverAlive: [${serverAlive}] }\n`);
  t.doesNotThrow(() => realLoad(axes('openssh', '"5/2"')), 'the real OpenSSH client has ServerAlive');
  t.throws(() => loadScenario(axes('fake-client', '"5/2"')), /every cell can never run: the fake-client client cannot: it has no client-side keepalive; /);
  // A cross product in which only some cells are affected still loads: those are not-applicable.
  const mixed = axes('fake-client', '"off", "5/2"');
  t.doesNotThrow(() => loadScenario(mixed));
});

t.test('with a fake client in the registry: an affected cell is planned not-applicable with the reason', async t => {
  const { planCell } = await t.mockImport<typeof import('../../harness/run/plan.js')>('../../harness/run/plan.js', {
    '../../harness/target/implementations.js': await withFakeClient(t),
  });
  const base = testCell({ client: 'fake-client', sever: 'client-kill' });
  t.equal(planCell(base).supported, true);
  t.equal(planCell({ ...base, serverAlive: '5/2' }).supported, 'the fake-client client cannot: it has no client-side keepalive');
  t.equal(planCell({ ...base, client: 'openssh', serverAlive: '5/2' }).supported, true, 'the OpenSSH client of the same cell can');
});

t.test('a launch mode that needs a logind session is not-applicable where logins get none, with why', async t => {
  for (const launch of ['systemd-run-user', 'systemd-run-scope']) {
    t.equal(implementationsSupport({ ...cell, launch }), true, `${launch}: OpenSSH with pam_systemd`);
    t.equal(implementationsSupport({ ...cell, launch, server: 'openssh-per-connection' }), true, `${launch}: OpenSSH per connection, with pam_systemd`);
    t.equal(
      implementationsSupport({ ...cell, launch, target: 'debian-bookworm-no-pam-systemd' }),
      `debian-bookworm-no-pam-systemd has no pam_systemd, so its logins get no logind session and ${launch} has no user manager to talk to`,
    );
    t.equal(
      implementationsSupport({ ...cell, launch, server: 'dropbear', clientAlive: 'off', tcpKeepAlive: 'no' }),
      `the dropbear server's logins get no logind session (no PAM), so ${launch} has no user manager to talk to`,
    );
  }
  t.equal(implementationsSupport({ ...cell, launch: 'tmux', target: 'debian-bookworm-no-pam-systemd' }), true, 'what needs no session manager runs');
});

const SYSVINIT = 'debian-bookworm-sysvinit-elogind';

t.test('without systemd (sysvinit + elogind): what needs a user manager or system units is not-applicable, with why', async t => {
  for (const launch of ['systemd-run-user', 'systemd-run-scope']) {
    t.equal(
      implementationsSupport({ ...cell, launch, target: SYSVINIT }),
      `${SYSVINIT} runs elogind, which starts no user manager (systemd --user), so ${launch} has nothing to talk to`,
    );
  }
  for (const launch of ['systemd-run-system', 'systemd-unit']) {
    t.equal(implementationsSupport({ ...cell, launch, target: SYSVINIT }), `${SYSVINIT} boots sysvinit, not systemd, so ${launch} has no service manager to start its unit`);
    t.equal(implementationsSupport({ ...cell, launch }), true, `${launch} under systemd`);
    t.equal(implementationsSupport({ ...cell, launch, target: 'debian-bookworm-no-pam-systemd' }), true, `${launch}: PID 1 is systemd without pam_systemd too`);
  }
  for (const launch of ['background', 'nohup', 'setsid', 'tmux', 'screen', 'dtach']) t.equal(implementationsSupport({ ...cell, launch, target: SYSVINIT }), true, launch);
});

t.test('linger on: not-applicable where the manager has no user manager to keep, with why; linger off runs', async t => {
  t.equal(
    implementationsSupport({ ...cell, target: SYSVINIT, linger: 'on' }),
    `${SYSVINIT} runs elogind, which has no user manager for linger to keep running, so linger on is not a setting there`,
  );
  t.equal(implementationsSupport({ ...cell, target: SYSVINIT, linger: 'off' }), true);
  t.equal(implementationsSupport({ ...cell, linger: 'on' }), true, 'systemd');
  t.equal(implementationsSupport({ ...cell, target: 'debian-bookworm-no-pam-systemd', linger: 'on' }), true, 'linger starts a user manager without a login');
});

t.test('the sysvinit target has only OpenSSH: the per-connection server is a systemd socket', async t => {
  t.equal(
    implementationsSupport({ ...cell, target: SYSVINIT, server: 'openssh-per-connection' }),
    `the image of ${SYSVINIT} has no openssh-per-connection server (it has openssh)`,
  );
});

t.test('a scenario: a block that asks only for linger on elogind is bad input in one line; a mixed one loads', async t => {
  const head = `name: t\ntarget: ${SYSVINIT}\n`;
  const axes = (linger: string, launch: string) => scenarioFile(t, head + `axes: { session: [pty], launch: [${launch}], workload: [quiet], sever: [logout], linger: [${linger}] }\n`);
  t.throws(() => realLoad(axes('on', 'nohup')), /every cell can never run: debian-bookworm-sysvinit-elogind runs elogind, which has no user manager for linger to keep running, so linger on is not a setting there; /);
  t.throws(() => realLoad(axes('off', 'systemd-run-user')), /every cell can never run: debian-bookworm-sysvinit-elogind runs elogind, which starts no user manager/);
  t.doesNotThrow(() => realLoad(axes('off, on', 'nohup, systemd-run-user')), 'the cells that cannot run are planned not-applicable');
});
