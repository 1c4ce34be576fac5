// The terminal summary: one line per group, surprises marked and explained, unknowns said.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { readFacts } from '../../harness/inspect/facts.js';
import { logindText, renderSummary } from '../../harness/inspect/summary.js';

const ctx = { destination: { user: 'alice', host: '127.0.0.1', port: 2222 }, client: 'OpenSSH_9.2p1', inspectedAt: '2026-12-07T18:00:00.000Z' };
const summary = (name: string) => renderSummary(readFacts(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', `${name}.txt`), 'utf8'), ctx), 'hangup-lab-reports/inspect/127.0.0.1.json');

t.test('stock bookworm', async t => {
  const s = summary('bookworm-sudo');
  const lines = s.split('\n');
  t.same(lines.slice(0, 10).map(l => l.slice(0, 13).trim()), ['host', 'versions', 'sshd', 'logind', 'this login', 'user', 'pam', 'ssh service', 'shell', 'kernel TCP']);
  t.match(s, /^host {9}alice@127\.0\.0\.1:2222: Debian GNU\/Linux 12 \(bookworm\)/);
  t.match(s, /sshd {9}effective \(sudo -n sshd -T\): ClientAliveInterval 0 !, ClientAliveCountMax 3, TCPKeepAlive yes, UsePAM yes/);
  t.match(s, /logind {7}in force: KillUserProcesses no, KillExcludeUsers none, KillOnlyUsers none, UserStopDelaySec 10 s/);
  t.match(s, /user {9}linger off !/);
  t.match(s, /pam {10}pam_systemd present \(\/etc\/pam\.d\/common-session: session optional pam_systemd\.so\)/);
  t.match(s, /ssh service  ssh\.service active, KillMode process; ssh\.socket inactive \(sshd is not socket-activated\)/);
  t.match(s, /shell {8}\/bin\/bash: huponexit off, TMOUT unset/);
  t.match(s, /known to surprise:\n  ! sshd ClientAliveInterval 0 \(off\): .*\n  ! linger for alice off: /);
  t.match(s, /\nreport: hangup-lab-reports\/inspect\/127\.0\.0\.1\.json\n$/);
  t.notMatch(s, /^unknown/m);
});

t.test("an admin's changes, read from the files", async t => {
  const s = summary('bookworm-changed-no-sudo');
  t.match(s, /sshd {9}files \(\/etc\/ssh\/sshd_config, \/etc\/ssh\/sshd_config\.d\/alive\.conf\), not effective values: ClientAliveInterval 30, ClientAliveCountMax 0 !, TCPKeepAlive yes \(default\)/);
  t.match(s, /KillUserProcesses yes !, KillExcludeUsers root bob/);
  t.match(s, /huponexit on !, TMOUT 600 !/);
  t.match(s, /^unknown {6}sshd\.effective: not asked: --no-sudo/m);
});

t.test('unknowns say why', async t => {
  const s = summary('bookworm-elogind-root-exec');
  t.match(s, /logind {7}unknown \(neither busctl nor systemd-analyze answered\)/);
  t.match(s, /ssh service  unknown/);
  t.match(s, /^unknown {6}.*logind\.KillUserProcesses: busctl get-property failed/m);
});

t.test("logindText: busctl's forms as logind.conf's", async t => {
  t.equal(logindText('KillExcludeUsers', '0'), 'none');
  t.equal(logindText('KillExcludeUsers', '2 "root" "bob"'), 'root bob');
  t.equal(logindText('UserStopDelayUSec', '10000000'), '10 s');
  t.equal(logindText('KillUserProcesses', 'no'), 'no');
  t.equal(logindText('KillOnlyUsers', ''), '-');
});
