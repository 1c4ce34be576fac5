import t from 'tap';
import { describeSender, type SignalSender } from '../../harness/observe/sender.js';

const PROBE = 4242;
const from = (s: Partial<SignalSender>): SignalSender => ({ pid: null, comm: null, code: 0, ...s });

t.test('a kernel SIGHUP (SI_KERNEL, no sender) is the terminal hangup', async t => {
  t.equal(describeSender(from({ code: 128, signal: 'SIGHUP' }), PROBE), 'the kernel (terminal hangup)');
  // Callers that do not pass the signal keep the old wording.
  t.equal(describeSender(from({ code: 128 }), PROBE), 'the kernel (terminal hangup)');
});

t.test('another kernel signal names the signal, not a hangup', async t => {
  t.equal(describeSender(from({ code: 128, signal: 'SIGTERM' }), PROBE), 'the kernel (SIGTERM)');
});

t.test("a SIGPIPE from the probe's own pid is its own failed write", async t => {
  const own = from({ pid: PROBE, comm: 'probe', signal: 'SIGPIPE' });
  t.equal(describeSender(own, PROBE), 'its own failed write (the reader is gone)');
  t.equal(describeSender({ ...own, signal: undefined }, PROBE), 'its own failed write (the reader is gone)');
  t.equal(describeSender({ ...own, signal: 'SIGTERM' }, PROBE), `itself (pid ${PROBE})`);
});

t.test('bash sending SIGHUP is an interactive shell resending the hangup to its jobs', async t => {
  t.equal(describeSender(from({ pid: 64, comm: 'bash', signal: 'SIGHUP' }), PROBE), 'bash (pid 64) resending SIGHUP to its jobs');
  t.equal(describeSender(from({ pid: 64, comm: 'bash', signal: 'SIGTERM' }), PROBE), 'bash (pid 64)');
  t.equal(describeSender(from({ pid: 64, comm: 'bash' }), PROBE), 'bash (pid 64)');
});

t.test('systemd as PID 1 is the system manager, stopping the unit or scope of the cgroup', async t => {
  t.equal(
    describeSender(from({ pid: 1, comm: 'systemd', signal: 'SIGTERM', cgroup: '/user.slice/user-1001.slice/session-3.scope' }), PROBE),
    'systemd (pid 1, the system manager) stopping session-3.scope',
  );
  t.equal(
    describeSender(from({ pid: 1, comm: 'systemd', signal: 'SIGTERM', cgroup: '/system.slice/hl-probe-x.service' }), PROBE),
    'systemd (pid 1, the system manager) stopping hl-probe-x.service',
  );
  t.equal(describeSender(from({ pid: 1, comm: 'systemd' }), PROBE), 'systemd (pid 1, the system manager) stopping the unit/scope');
});

t.test('any other systemd is a user manager; the cgroup names its user@UID', async t => {
  const cgroup = '/user.slice/user-1001.slice/user@1001.service/app.slice/hl-probe-x.service';
  t.equal(
    describeSender(from({ pid: 77, comm: 'systemd', signal: 'SIGTERM', cgroup }), PROBE),
    'systemd (pid 77, the user manager user@1001) stopping hl-probe-x.service',
  );
  t.equal(
    describeSender(from({ pid: 77, comm: 'systemd', cgroup: '/' }), PROBE),
    'systemd (pid 77, a user manager (user@UID.service)) stopping the unit/scope',
  );
});

t.test("elogind kills what is left in the ended session's cgroup itself (KillUserProcesses=yes)", async t => {
  t.equal(
    describeSender(from({ pid: 617, comm: 'elogind-daemon', signal: 'SIGTERM', cgroup: '/222' }), PROBE),
    "elogind (pid 617) killing what was left in the session's cgroup /222",
  );
  t.equal(describeSender(from({ pid: 617, comm: 'elogind-daemon' }), PROBE), "elogind (pid 617) killing what was left in the session's cgroup");
});

t.test('kill tools and shells are kill(1) from another session', async t => {
  t.equal(describeSender(from({ pid: 300, comm: 'kill', signal: 'SIGHUP' }), PROBE), 'kill(1) from another session (pid 300)');
  t.equal(describeSender(from({ pid: 301, comm: 'sh', signal: 'SIGTERM' }), PROBE), 'kill(1) from another session (pid 301)');
  t.equal(describeSender(from({ pid: 302, comm: 'pkill' }), PROBE), 'pkill(1) from another session (pid 302)');
});

t.test('any other process sender is named by comm and pid; an unreadable comm is "?"', async t => {
  t.equal(describeSender(from({ pid: 99, comm: 'sshd', signal: 'SIGTERM' }), PROBE), 'sshd (pid 99)');
  t.equal(describeSender(from({ pid: 77, comm: null, signal: 'SIGTERM' }), PROBE), '? (pid 77)');
  // tgkill(2) and sigqueue(3) are also sent by a process.
  t.equal(describeSender(from({ pid: 99, comm: 'perl', code: -6 }), PROBE), 'perl (pid 99)');
  t.equal(describeSender(from({ pid: 99, comm: 'perl', code: -1 }), PROBE), 'perl (pid 99)');
});

t.test('a sender that cannot be named is reported by its si_code', async t => {
  t.equal(describeSender(from({ code: -6, signal: 'SIGHUP' }), PROBE), 'si_code -6');
  t.equal(describeSender(from({ code: null }), PROBE), 'si_code ?');
  t.equal(describeSender(from({ code: 0, pid: null, comm: 'bash' }), PROBE), 'si_code 0');
});

t.test("the kernel's job-control signals say what the job did", async t => {
  t.equal(describeSender(from({ code: 128, signal: 'SIGTTIN' }), PROBE), 'the kernel (a background job read its terminal)');
  t.match(describeSender(from({ code: 128, signal: 'SIGTTOU' }), PROBE), /background job wrote to its terminal/);
  t.match(describeSender(from({ code: 128, signal: 'SIGTSTP' }), PROBE), /\^Z/);
});
