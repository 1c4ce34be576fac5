// What a cell waits for after the session ended: the event that can still kill the probe.
import t from 'tap';
import { afterSessionPlan, findUserManager } from '../../harness/observe/user-manager.js';
import type { ProcessInfo } from '../../harness/results.js';

const SCOPE = '/user.slice/user-1001.slice/session-7.scope';
const proc = (cgroup: string, over: Partial<ProcessInfo> = {}) => ({ pid: 40, comm: 'probe', cgroup, ...over }) as ProcessInfo;
const kup = (killUserProcesses: 'yes' | 'no', sessionCgroup = SCOPE) => ({ killUserProcesses, sessionCgroup });

t.test('KillUserProcesses=yes: a probe in the session\'s cgroup is waited for until it dies, linger or not', async t => {
  t.same(afterSessionPlan(proc(SCOPE), false, false, kup('yes')), { kind: 'session-stop' });
  t.same(afterSessionPlan(proc(SCOPE), true, false, kup('yes')), { kind: 'session-stop' }, 'linger keeps the user manager, not the session');
  t.match(afterSessionPlan(proc(SCOPE), false, false, kup('no')), { kind: 'settle' }, 'KillUserProcesses=no leaves the scope alone');
  t.match(afterSessionPlan(proc(SCOPE), false, true, kup('yes')), { kind: 'settle', why: /run\.afterSessionMs/ }, "a scenario's fixed wait wins");
  t.match(afterSessionPlan(proc(SCOPE), false, false, kup('yes', '')), { kind: 'settle' }, 'no session process seen: nothing known to wait for');
});

t.test('a probe out of the session: the user manager, or a settle', async t => {
  const unit = '/user.slice/user-1001.slice/user@1001.service/app.slice/run-u3.service';
  t.same(afterSessionPlan(proc(unit), false, false, kup('yes')), { kind: 'manager' });
  t.match(afterSessionPlan(proc(unit), true, false, kup('yes')), { kind: 'settle', why: /linger/ });
  t.match(afterSessionPlan(proc('/system.slice/run-u9.scope'), false, false, kup('yes')), { kind: 'settle', why: /not in the user manager/ });
});

t.test('findUserManager: systemd --user in user@UID.service, never PID 1', async t => {
  const manager = proc('/user.slice/user-1001.slice/user@1001.service/init.scope', { pid: 300, comm: 'systemd' });
  t.equal(findUserManager([proc(SCOPE), proc('/init.scope', { pid: 1, comm: 'systemd' }), manager]), manager);
  t.equal(findUserManager([proc(SCOPE)]), null);
});
