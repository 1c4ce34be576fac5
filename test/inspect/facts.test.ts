// The facts script's output read into the report, on outputs captured from real servers
// (fixtures/README.md says where each comes from).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { orderedKeyValues, readFacts, serverVersionOf, sshdFromFiles } from '../../harness/inspect/facts.js';
import { inspectReportSchema, type InspectReport } from '../../harness/inspect/report.js';
import { targetFingerprintSchema } from '../../harness/results-schema.js';

const ctx = { destination: { user: 'alice', host: '127.0.0.1', port: 2222 }, client: 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.20 7 Apr 2026', inspectedAt: '2026-12-07T18:00:00.000Z' };
const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', `${name}.txt`), 'utf8');
const read = (name: string): InspectReport => inspectReportSchema.parse(readFacts(fixture(name), ctx));
const surprise = (r: InspectReport) => r.surprises.map(s => `${s.fact}=${s.value}`);

t.test('stock bookworm with sudo for sshd -T: the effective values, in the targets\' fingerprint shape', async t => {
  const r = read('bookworm-sudo');
  t.equal(r.complete, true);
  t.same(r.unknown, []);
  const fp = r.fingerprint;
  t.equal(fp.serverVersion, 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.20 7 Apr 2026', "ssh -V, as the targets record it (sshd -V has no Debian suffix)");
  t.equal(fp.server, 'openssh');
  t.equal(fp.manager, 'systemd');
  t.same(fp.config, { clientAlive: 'off', tcpKeepAlive: 'yes', kernel: 'default', killUserProcesses: 'no' });
  t.match(fp.sshdEffective, { clientaliveinterval: '0', clientalivecountmax: '3', tcpkeepalive: 'yes', usepam: 'yes' });
  t.equal(fp.sshKillMode, 'process');
  t.same(fp.logind, { KillUserProcesses: 'no', KillExcludeUsers: '0', KillOnlyUsers: '0', UserStopDelayUSec: '10000000' }, 'as takeFingerprint spells them');
  t.match(fp.versions, { systemd: 'systemd 252 (252.39-1~deb12u2)', 'libpam-systemd': '252.39-1~deb12u2', tmux: 'not installed', kernel: /\S/ });
  t.same(Object.keys(fp.sysctls).sort(), ['net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_retries2']);
  // With config's axes known, it is a target fingerprint as results.json holds them.
  t.ok(targetFingerprintSchema.safeParse(fp).success, 'passes the results schema of a target');
  t.equal(r.host.sshd.source, 'sudo -n sshd -T');
  t.equal(r.host.linger, 'no');
  t.equal(r.host.pamSystemd.present, 'yes');
  t.match(r.host.pamSystemd.lines[0], /^\/etc\/pam\.d\/common-session: session\s+optional\s+pam_systemd\.so/, 'found through @include common-session');
  t.match(r.host.session, { Class: 'user', Remote: 'yes', Service: 'sshd' });
  t.same(r.host.shell, { path: '/bin/bash', huponexit: 'off', tmout: '' });
  t.same(r.host.socket, { Accept: 'no', Id: 'ssh.socket', ActiveState: 'inactive' });
  t.same(surprise(r), ['sshd ClientAliveInterval=0 (off)', 'linger for alice=off']);
});

t.test('--no-sudo: the files, said to be the files, and sshd -T unknown with why', async t => {
  const r = read('bookworm-no-sudo');
  t.equal(r.host.sshd.source, 'files');
  t.match(r.host.sshd.note, /not sshd's effective values/);
  t.same(r.host.sshd.files, ['/etc/ssh/sshd_config']);
  t.match(r.host.sshd.fromFiles, { usepam: 'yes', x11forwarding: 'yes' });
  t.same(r.fingerprint.sshdEffective, {}, 'nothing is passed off as effective');
  t.same(r.unknown, [{ fact: 'sshd.effective', why: 'not asked: --no-sudo (sshd -T needs root)' }]);
  t.equal(r.fingerprint.config.clientAlive, 'off', "OpenSSH's default where the files set nothing");
  t.same(surprise(r), ['sshd ClientAliveInterval=0 (off) (from the files)', 'linger for alice=off']);
});

t.test("an admin's changes: every surprise flagged, Match blocks and later files ignored", async t => {
  const files = read('bookworm-changed-no-sudo');
  t.same(files.host.sshd.files, ['/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d/alive.conf'], 'Include expanded where it stands');
  t.match(files.host.sshd.fromFiles, { clientaliveinterval: '30', clientalivecountmax: '0' }, "the Match block's 5 is not taken");
  t.equal(files.fingerprint.config.clientAlive, '30/0');
  const eff = read('bookworm-changed-sudo');
  t.equal(eff.fingerprint.config.clientAlive, '30/0', 'the files agree with sshd -T here');
  t.equal(eff.fingerprint.config.killUserProcesses, 'yes');
  t.equal(eff.fingerprint.logind.KillExcludeUsers, '2 "root" "bob"');
  t.equal(eff.host.linger, 'yes');
  t.same(eff.host.shell, { path: '/bin/bash', huponexit: 'on', tmout: '600' }, 'from ~/.bashrc and ~/.profile: an interactive login shell');
  t.same(surprise(eff), ['logind KillUserProcesses=yes', 'sshd ClientAliveCountMax=0', 'bash huponexit=on', 'TMOUT=600']);
});

t.test('no pam_systemd (libpam-systemd purged): manager systemd-no-pam, flagged', async t => {
  const r = read('bookworm-no-pam-root-exec');
  t.equal(r.host.pamSystemd.present, 'no');
  t.ok(r.host.pamSystemd.files.includes('/etc/pam.d/common-session'), 'the includes were read');
  t.equal(r.fingerprint.manager, 'systemd-no-pam', "the targets' name for such a server");
  t.equal(r.host.sshd.source, 'sshd -T', 'as root, without sudo');
  t.equal(r.fingerprint.versions['libpam-systemd'], 'not installed');
  t.ok(surprise(r).includes('pam_systemd in /etc/pam.d/sshd=absent'));
  t.match(r.unknown.find(u => u.fact === 'session')?.why, /XDG_SESSION_ID is unset/);
});

t.test('elogind without its daemon: logind unknown with why, pam_elogind counted, nothing guessed', async t => {
  const r = read('bookworm-elogind-root-exec');
  t.equal(r.host.logind.source, 'none');
  t.same(r.fingerprint.logind, {});
  t.equal(r.fingerprint.config.killUserProcesses, 'unknown');
  t.match(r.unknown.find(u => u.fact === 'logind.KillUserProcesses')?.why, /busctl get-property failed/);
  t.match(r.unknown.find(u => u.fact === 'service')?.why, /no systemd as PID 1/);
  t.equal(r.host.pamSystemd.present, 'yes', 'pam_elogind registers sessions as pam_systemd does');
  t.notOk(surprise(r).some(s => s.startsWith('logind')), 'unknown is never a surprise');
  t.same(r.host.service, {});
});

t.test('output cut short: complete false, said so', async t => {
  const text = fixture('bookworm-sudo');
  const r = inspectReportSchema.parse(readFacts(text.slice(0, text.indexOf('manager.init')), ctx));
  t.equal(r.complete, false);
  t.same(r.unknown.map(u => u.fact), ['script'], 'one line for all that is missing');
  t.match(r.unknown[0]?.why, /ended before its last line/);
  t.equal(r.fingerprint.config.killUserProcesses, 'unknown');
  t.equal(r.host.linger, 'unknown');
});

t.test('logind from logind.conf when D-Bus does not answer', async t => {
  const r = readFacts('hangup-lab.inspect=start\nlogindconf.KillUserProcesses=yes\nlogindconf.KillUserProcesses=no\nhangup-lab.inspect=end\n', ctx);
  t.equal(r.host.logind.source, 'logind.conf');
  t.equal(r.fingerprint.config.killUserProcesses, 'no', 'the last file wins, as in logind');
});

t.test('sshdFromFiles: first value wins, Match ends with its file, "=" allowed', async t => {
  const e = orderedKeyValues(
    ['sshd.file=/a', 'sshd.line=ClientAliveInterval=10', 'sshd.file=/b', 'sshd.line=Match Address 10.0.0.0/8', 'sshd.line=TCPKeepAlive no', 'sshd.end=/b', 'sshd.line=clientaliveinterval 99', 'sshd.line=TCPKeepAlive yes', 'sshd.end=/a'].join('\n'),
  );
  t.same(sshdFromFiles(e), { files: ['/a', '/b'], settings: { clientaliveinterval: '10', tcpkeepalive: 'yes' } });
});

t.test('serverVersionOf: ssh -V when it is the same release as sshd', async t => {
  t.equal(serverVersionOf('OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3', 'OpenSSH_9.2, OpenSSL 3'), 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3');
  t.equal(serverVersionOf('OpenSSH_9.6p1 Ubuntu', 'OpenSSH_9.2, OpenSSL 3'), 'OpenSSH_9.2, OpenSSL 3', "a different client is not the server's version");
  t.equal(serverVersionOf(undefined, undefined), '?');
});

t.test("a login shell's own output around the script's is ignored, key=value or not", async t => {
  const r = readFacts(`Welcome!\nuser.name=mallory\n${fixture('bookworm-sudo')}linger.file=yes\n`, ctx);
  t.equal(r.host.user.name, 'alice');
  t.equal(r.host.linger, 'no');
  t.equal(r.complete, true);
});
