import fs from 'node:fs';
import t from 'tap';
import { launches } from '../../harness/launch/registry.js';
import { parseTimespanMs } from '../../harness/launch/systemd.js';
import { CELL_USER, fakeTarget, launchContext, PROBE, UNIT } from './fakes.js';

const line = (mode: string, user: 'lab' | 'root') => launches.get(mode).line(launchContext({ user }));

t.test('systemd-run-scope: a user scope, started in the background like any job', async t => {
  t.equal(line('systemd-run-scope', 'lab'), `systemd-run --user --scope --quiet --unit=${UNIT} ${PROBE} &`);
  t.equal(line('systemd-run-scope', 'root'), line('systemd-run-scope', 'lab'));
});

t.test('systemd-run-system: root runs it directly; the cell user via sudo -n, the probe as that user', async t => {
  t.equal(line('systemd-run-system', 'root'), `systemd-run --quiet --unit=${UNIT} ${PROBE}`);
  t.equal(line('systemd-run-system', 'lab'), `sudo -n systemd-run --quiet --unit=${UNIT} --uid=${CELL_USER} ${PROBE}`);
});

t.test('systemd-unit: the session only starts the installed unit', async t => {
  t.equal(line('systemd-unit', 'root'), `systemctl start ${UNIT}`);
  t.equal(line('systemd-unit', 'lab'), `sudo -n systemctl start ${UNIT}`);
});

// The sudoers drop-in and the lines must agree, or `sudo -n` fails with "a password is required"
// only in a real container. Its regular expressions are POSIX EREs that JavaScript reads the same.
t.test('the image sudoers rules admit exactly the lines the lab user types', async t => {
  const sudoers = fs.readFileSync(new URL('../../containers/common/etc/sudoers.d/hangup-lab', import.meta.url), 'utf8');
  const rules = [...sudoers.matchAll(/^Cmnd_Alias \w+ = (\S+) (\^.*\$)$/gm)].map(m => ({
    command: m[1]!.split('/').pop()!,
    args: new RegExp(m[2]!.replace(/\\([=,:])/g, '$1')),
  }));
  t.equal(rules.length, 2);
  const allowed = (typed: string) => {
    const [sudo, n, command, ...args] = typed.split(' ');
    if (sudo !== 'sudo' || n !== '-n') return false;
    return rules.some(r => r.command === command && r.args.test(args.join(' ')));
  };
  t.ok(allowed(line('systemd-run-system', 'lab')), 'systemd-run-system');
  t.ok(allowed(line('systemd-unit', 'lab')), 'systemd-unit start');
  t.ok(allowed(`sudo -n systemctl stop ${UNIT}`), 'stop of a probe unit');
  const quiet = launches.get('systemd-run-system').line({ ...launchContext(), probe: PROBE.replace('chatty', 'quiet') });
  t.ok(allowed(quiet), 'quiet workload');
  for (const bad of [
    `sudo -n systemd-run --quiet --unit=${UNIT} --uid=root ${PROBE}`,
    `sudo -n systemd-run --quiet --unit=${UNIT} --uid=${CELL_USER} --property=ExecStartPre=/bin/sh ${PROBE}`,
    `sudo -n systemd-run --quiet --unit=${UNIT} --uid=${CELL_USER} /bin/sh /home/${CELL_USER}/probe.log chatty`,
    `sudo -n systemd-run --quiet --unit=ssh --uid=${CELL_USER} ${PROBE}`,
    `sudo -n systemctl start ssh`,
    `sudo -n systemctl restart ${UNIT}`,
    `sudo -n systemctl start ${UNIT} ssh`,
  ]) {
    t.notOk(allowed(bad), bad);
  }
});

t.test('systemd-unit prepare installs a Restart=always unit as the cell user and reloads', async t => {
  const { target, scripts } = fakeTarget();
  await launches.get('systemd-unit').prepare!(launchContext({ target }));
  t.equal(scripts.length, 1);
  const script = scripts[0]!;
  t.match(script, `cat > /etc/systemd/system/${UNIT}.service <<'HL_UNIT'`);
  t.match(script, `\nUser=${CELL_USER}\n`);
  t.match(script, `\nExecStart=${PROBE}\n`);
  t.match(script, '\nRestart=always\nRestartSec=1\nTimeoutStartSec=10\nHL_UNIT\nsystemctl daemon-reload');
});

t.test('systemd-unit prepare for a root cell has no User= (the probe runs as root)', async t => {
  const { target, scripts } = fakeTarget();
  await launches.get('systemd-unit').prepare!(launchContext({ user: 'root', target }));
  t.notMatch(scripts[0]!, 'User=');
});

t.test('systemd-unit prepare fails loudly when the unit cannot be installed', async t => {
  const { target } = fakeTarget(() => ({ exitCode: 1, stderr: 'Read-only file system' }));
  await t.rejects(launches.get('systemd-unit').prepare!(launchContext({ target })), /installing .* failed: Read-only file system/);
});

t.test('cleanup: system units are stopped (and the installed one removed); user units via the user manager', async t => {
  const cleaned = async (mode: string, user: 'lab' | 'root' = 'lab') => {
    const { target, scripts } = fakeTarget(() => ({ exitCode: 1 }));
    await launches.get(mode).cleanup!(launchContext({ user, target }));
    return scripts.join('\n');
  };
  const system = await cleaned('systemd-run-system');
  t.match(system, `systemctl stop ${UNIT} >/dev/null 2>&1; systemctl reset-failed ${UNIT}`);
  const unit = await cleaned('systemd-unit');
  for (const c of [`systemctl stop ${UNIT}`, `systemctl disable ${UNIT}`, `rm -f /etc/systemd/system/${UNIT}.service`, 'systemctl daemon-reload']) {
    t.match(unit, c);
  }
  t.match(await cleaned('systemd-run-scope', 'root'), `runuser -u root -- env XDG_RUNTIME_DIR=/run/user/$(id -u root) systemctl --user stop ${UNIT}.scope`);
  t.match(await cleaned('systemd-run-user'), `runuser -u ${CELL_USER} -- env XDG_RUNTIME_DIR=/run/user/$(id -u ${CELL_USER}) systemctl --user stop ${UNIT}.service`);
});

t.test('cleanup never throws, also when the target cannot be reached', async t => {
  const target = { sh: async () => Promise.reject(new Error('no such container')) } as never;
  await t.resolves(launches.get('systemd-unit').cleanup!(launchContext({ target })));
});


t.test('time spans as systemctl show prints them', async t => {
  t.equal(parseTimespanMs('1s'), 1000);
  t.equal(parseTimespanMs('100ms'), 100);
  t.equal(parseTimespanMs('1min 30s'), 90_000);
  t.equal(parseTimespanMs('1.500000s'), 1500);
  t.equal(parseTimespanMs('0'), 0);
  t.equal(parseTimespanMs('250us'), 0.25);
  t.equal(parseTimespanMs('infinity'), Number.POSITIVE_INFINITY);
  t.ok(Number.isNaN(parseTimespanMs('soon')));
  t.ok(Number.isNaN(parseTimespanMs('')));
});
