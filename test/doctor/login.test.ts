// The pure parts of doctor's login check: which cell it logs in as, and the line it prints for
// each outcome. (test/docker/doctor.test.ts logs in for real.)
import t from 'tap';
import { renderCheck } from '../../harness/doctor/check.js';
import { DEFAULT_SCENARIO, LOGIN_CHECK, loginCell, loginCheck, loginFix, opensshRelease } from '../../harness/doctor/login.js';
import { expand } from '../../harness/matrix/expand.js';
import { needsOwnServer } from '../../harness/run/servers.js';
import { loadScenario } from '../../harness/scenario/load.js';

const CLIENT = 'OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 27 Jan 2026';
const SERVER = 'OpenSSH_10.0p2 Debian-7, OpenSSL 3.5.1 1 Jul 2025';

t.test('it logs in as an ordinary cell of the default scenario: a shared container, a user of its own', async t => {
  const cells = expand(loadScenario(DEFAULT_SCENARIO).blocks);
  const cell = loginCell(cells);
  t.ok(cell);
  t.equal(needsOwnServer(cell!), false, 'a shared server, as most cells run on');
  t.not(cell!.user, 'root');
  const [root, ...rest] = cells;
  t.equal(loginCell([{ ...root!, user: 'root' }, ...rest]), rest[0], 'root cells are passed over');
  t.equal(loginCell([]), undefined);
});

t.test('OpenSSH releases from ssh -V', async t => {
  t.equal(opensshRelease(CLIENT), 'OpenSSH_9.2p1');
  t.equal(opensshRelease('OpenSSH_8.4p1, OpenSSL 1.1.1w  11 Sep 2023\n'), 'OpenSSH_8.4p1');
  t.equal(opensshRelease(''), '?');
});

t.test('a login: ok, naming both OpenSSH versions', async t => {
  const c = loginCheck({ kind: 'logged-in', target: 'debian-trixie', client: CLIENT, server: SERVER, ms: 1234 });
  t.equal(c.status, 'ok');
  t.equal(
    renderCheck(c),
    `ok      ${LOGIN_CHECK}: debian-trixie: OpenSSH_9.2p1 (this host) logged in to OpenSSH_10.0p2 (target) with the run's key and options, ran true (1.2 s)`,
  );
});

t.test('a refused login: missing (exit 3), with the client’s last line and the fix', async t => {
  const c = loginCheck({ kind: 'refused', target: 'debian-bookworm', client: CLIENT, server: SERVER, exitCode: 255, lastLine: 'hl1a2b3c4d5e@172.17.0.5: Permission denied (publickey).' });
  t.equal(c.status, 'missing');
  t.equal(c.detail, 'debian-bookworm: OpenSSH_9.2p1 (this host) → OpenSSH_10.0p2 (target): ssh exited 255; its last line: "hl1a2b3c4d5e@172.17.0.5: Permission denied (publickey)."');
  t.match(c.fix, /sshd refused the run's key/);
  t.notMatch(renderCheck(c), /\n/, 'one line');
});

t.test('the fix follows the client’s last words', async t => {
  const cases: [string, RegExp][] = [
    ['Load key "/tmp/hangup-lab-1-2-x/id_ed25519": error in libcrypto', /cannot load the run key/],
    ['hl0@172.17.0.5: Permission denied (publickey).', /sshd refused the run's key/],
    ['Host key verification failed.', /host key differs/],
    ['ssh: connect to host 172.17.0.5 port 22: Connection timed out', /bridge address directly/],
    ['ssh: connect to host 172.17.0.5 port 22: No route to host', /bridge address directly/],
    ['Timeout, server 172.17.0.5 not responding.', /too loaded/],
    ['(still running after 60 s)', /too loaded/],
    ['something new', /report it with this line/],
  ];
  for (const [line, fix] of cases) t.match(loginFix(line), fix, line);
});

t.test('no image yet: a warning, since doctor builds nothing; a setup failure: missing with its message', async t => {
  const w = loginCheck({ kind: 'no-image', target: 'debian-bookworm', image: 'hangup-lab/debian-bookworm:abc' });
  t.equal(w.status, 'warn');
  t.match(w.detail, /^unchecked: image hangup-lab\/debian-bookworm:abc of debian-bookworm is not built yet/);
  const m = loginCheck({ kind: 'setup-failed', target: 'debian-bookworm', error: 'target debian-bookworm: container did not start (no space left on device)\nmore' });
  t.equal(m.status, 'missing');
  t.equal(m.detail, 'debian-bookworm: no login attempted: target debian-bookworm: container did not start (no space left on device)');
});
