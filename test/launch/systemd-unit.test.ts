// The restart question of systemd-unit: decided from systemd's own state, never from a stopwatch.
import t from 'tap';
import { launches } from '../../harness/launch/registry.js';
import { parseUnitState, restartBoundMs, restartState, type UnitState } from '../../harness/launch/systemd-unit.js';
import { afterWindowContext, fakeTarget, launchContext } from './fakes.js';

/** `systemctl show -p …` as systemd 252 prints it for the probe's unit. */
const show = (o: Partial<Record<string, string | number>> = {}) =>
  Object.entries({
    ActiveState: 'active',
    SubState: 'running',
    Result: 'success',
    MainPID: 4242,
    NRestarts: 0,
    RestartUSec: '1s',
    TimeoutStartUSec: '10s',
    StartLimitBurst: 5,
    StartLimitIntervalUSec: '10s',
    ...o,
  })
    .map(([k, v]) => `${k}=${v}`)
    .join('\n') + '\n';

const state = (o: Partial<Record<string, string | number>> = {}) => parseUnitState(show(o))!;
const running = state();

t.test('parseUnitState reads the properties, and refuses an answer that lacks one', async t => {
  t.same(running, {
    activeState: 'active',
    subState: 'running',
    result: 'success',
    mainPid: 4242,
    nRestarts: 0,
    restartMs: 1000,
    timeoutStartMs: 10_000,
    startLimitBurst: 5,
    startLimitIntervalMs: 10_000,
  });
  t.equal(parseUnitState('ActiveState=active\n'), null);
  t.equal(parseUnitState(show({ NRestarts: '[not set]' })), null);
});

t.test('the bound comes from the unit: RestartSec + TimeoutStartSec + a margin for load', async t => {
  t.equal(restartBoundMs(running), 1000 + 10_000 + 10_000);
  t.equal(restartBoundMs(state({ RestartUSec: '100ms', TimeoutStartUSec: '5s' })), 100 + 5000 + 10_000);
  // An infinite start timeout is capped: the bound must end inside the cell's budget.
  t.equal(restartBoundMs(state({ TimeoutStartUSec: 'infinity' })), 1000 + 15_000 + 10_000);
});

t.test('restarted: NRestarts went up and a new main process runs', async t => {
  t.same(restartState(running, state({ NRestarts: 1, MainPID: 4300 }), 4242), { state: 'restarted', pid: 4300 });
});

t.test('pending, however long it takes: auto-restart, a start job, or the old state not yet updated', async t => {
  const pending = { state: 'pending' };
  t.same(restartState(running, running, 4242), pending, 'nothing changed yet');
  t.same(restartState(running, state({ ActiveState: 'activating', SubState: 'auto-restart', MainPID: 0, Result: 'signal' }), 4242), pending);
  t.same(restartState(running, state({ ActiveState: 'activating', SubState: 'start', MainPID: 0, NRestarts: 1 }), 4242), pending);
  t.same(restartState(running, state({ NRestarts: 1, MainPID: 4242 }), 4242), pending, 'the killed pid is not a new process');
});

t.test('refused only when systemd says it will not restart', async t => {
  t.same(restartState(running, state({ ActiveState: 'failed', SubState: 'failed', MainPID: 0, Result: 'signal' }), 4242), {
    state: 'refused',
    why: 'the unit ended failed (Result=signal, NRestarts unchanged)',
  });
  t.same(restartState(running, state({ ActiveState: 'inactive', SubState: 'dead', MainPID: 0 }), 4242), {
    state: 'refused',
    why: 'the unit ended inactive (Result=success, NRestarts unchanged)',
  });
  t.same(restartState(running, state({ ActiveState: 'failed', SubState: 'failed', MainPID: 0, Result: 'start-limit-hit', NRestarts: 5 }), 4242), {
    state: 'refused',
    why: 'start limit hit (StartLimitBurst=5 in 10000 ms)',
  });
});

/** A target whose `systemctl show` answers from `states` in turn (the last one repeats). */
function unitTarget(states: string[], killOk = true) {
  let n = 0;
  return fakeTarget(script => {
    if (script.startsWith('systemctl show')) return { exitCode: 0, stdout: states[Math.min(n++, states.length - 1)]! };
    if (script.includes('kill("KILL"')) return killOk ? { exitCode: 0, stdout: '5000.0\n' } : { exitCode: 1 };
    return { exitCode: 0 };
  });
}

const ask = (target: ReturnType<typeof unitTarget>['target'], log: string | null) =>
  launches.get('systemd-unit').afterWindow!(afterWindowContext(launchContext({ target }), { probePid: 4242, log: () => log }));

t.test('the check: systemd restarted it and the probe logged its new start → yes', async t => {
  const { target, scripts } = unitTarget([show(), show({ ActiveState: 'activating', SubState: 'auto-restart', MainPID: 0 }), show({ NRestarts: 1, MainPID: 4300 })]);
  const check = await ask(target, '6062.4 start pid=4300 ppid=1 cgroup=/system.slice/x.service');
  t.same(check, {
    name: 'restart',
    ok: true,
    detail: 'came back as pid 4300 after 1062 ms (NRestarts 0→1, MainPID 4300; RestartSec=1, TimeoutStartSec=10)',
  });
  t.match(scripts.find(s => s.includes('kill('))!, 'kill("KILL", 4242)');
  t.match(scripts[0]!, /^systemctl show hl-probe-\w+ -p ActiveState/, 'the system manager, as root: the unit is a system unit');
});

t.test('the check: systemd says it will not restart → no', async t => {
  const { target } = unitTarget([show(), show({ ActiveState: 'failed', SubState: 'failed', MainPID: 0, Result: 'signal' })]);
  t.same(await ask(target, null), {
    name: 'restart',
    ok: false,
    detail: 'systemd will not restart it after SIGKILL of pid 4242: the unit ended failed (Result=signal, NRestarts unchanged)',
  });
});

t.test('the check: systemd restarted it but the probe never logged a start → unknown, not no', async t => {
  const { target } = unitTarget([show(), show({ NRestarts: 1, MainPID: 4300 })]);
  t.match(await ask(target, null), { name: 'restart', ok: null, detail: /systemd restarted it as pid 4300 \(NRestarts 0→1\), but the probe logged no start/ });
});

t.test('the check: a bound that expires while systemd is still on its way → unknown with what was seen', { timeout: 60_000 }, async t => {
  // A unit whose own settings give a short bound, so the test does not wait 21 s.
  const slow = show({ RestartUSec: '100ms', TimeoutStartUSec: '100ms', ActiveState: 'activating', SubState: 'auto-restart', MainPID: 0 });
  const { target } = unitTarget([show({ RestartUSec: '100ms', TimeoutStartUSec: '100ms' }), slow]);
  const check = await ask(target, null);
  t.match(check, { name: 'restart', ok: null, detail: /^no answer from systemd within 10200 ms after SIGKILL of pid 4242 .*last seen: activating\/auto-restart, Result=success, MainPID=0, NRestarts=0$/ });
});

t.test('the check: a probe already gone, or a unit not running, is unanswered', async t => {
  t.match(await ask(unitTarget([show()], false).target, null), { ok: null, detail: /already gone/ });
  t.match(await ask(unitTarget([show({ ActiveState: 'inactive', SubState: 'dead' })]).target, null), { ok: null, detail: /the unit was not running before the kill/ });
  t.match(await ask(unitTarget(['']).target, null), { ok: null, detail: /did not answer with the unit's state/ });
});
