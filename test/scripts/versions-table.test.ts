import t from 'tap';
import type { TargetFingerprint } from '../../harness/results.js';
import { versionsTable } from '../../scripts/versions-table.js';
import { target as bookworm } from '../report/fixtures.js';

// Fingerprints as the five-target run of 2026-12-06 recorded them (trimmed to what the table reads).
function fp(name: string, server: string, serverVersion: string, systemd: string, key = name): TargetFingerprint {
  return { ...bookworm, key, name, server, serverVersion, versions: { ...bookworm.versions, systemd, kernel: '6.18.44-fc-v1272' } };
}
const sid = fp('debian-sid', 'openssh', 'OpenSSH_10.6p1 Debian-1, OpenSSL 3.6.5 29 Sep 2026', 'systemd 262 (262.1-1)');
const bpo = fp('debian-bookworm-backports', 'openssh', 'OpenSSH_10.0p2 Debian-7~bpo12+1, OpenSSL 3.0.20 7 Apr 2026', 'systemd 252 (252.39-1~deb12u2)');
const bullseye = fp('debian-bullseye', 'openssh', 'OpenSSH_8.4p1 Debian-5+deb11u3, OpenSSL 1.1.1w  11 Sep 2023', 'systemd 247 (247.3-7+deb11u6)');
const cells = [
  { target: 'debian-sid', sshdSession: { pid: 83, name: 'sshd-session: hlc16ff6d1f9@pts/3' } },
  { target: 'debian-bullseye', sshdSession: null },
  { target: 'debian-bullseye', sshdSession: { pid: 90, name: 'sshd: hl0a7999617d@pts/1' } },
];

t.test('one row per target in the given order, versions from the fingerprints, the session process from the cells', async t => {
  const table = versionsTable({ targets: [sid, bpo, bullseye], cells, order: ['debian-bullseye', 'debian-bookworm-backports', 'debian-sid'] });
  t.equal(
    table,
    [
      '| target | openssh | systemd | kernel | TCP keepalive time / intvl / probes, retries2 | per-session process |',
      '| --- | --- | --- | --- | --- | --- |',
      '| `debian-bullseye` | 8.4p1 Debian-5+deb11u3 | 247.3-7+deb11u6 | 6.18.44-fc-v1272 | 7200 / 75 / 9 / 15 | `sshd: user@pts/0` |',
      '| `debian-bookworm-backports` | 10.0p2 Debian-7~bpo12+1 | 252.39-1~deb12u2 | 6.18.44-fc-v1272 | 7200 / 75 / 9 / 15 | — |',
      '| `debian-sid` | 10.6p1 Debian-1 | 262.1-1 | 6.18.44-fc-v1272 | 7200 / 75 / 9 / 15 | `sshd-session: user@pts/0` |',
    ].join('\n'),
  );
});

t.test('a second server implementation gets its own column; a target without it shows a dash', async t => {
  const dropbear = fp('debian-sid', 'dropbear', 'Dropbear v2025.88', 'systemd 262 (262.1-1)', 'debian-sid|server=dropbear');
  const table = versionsTable({ targets: [sid, dropbear, bpo], cells: [] });
  const lines = table.split('\n');
  t.match(lines[0], /^\| target \| openssh \| dropbear \| systemd \|/);
  t.match(lines[2], /^\| `debian-sid` \| 10\.6p1 Debian-1 \| 2025\.88 \| 262\.1-1 \|/);
  t.match(lines[3], /^\| `debian-bookworm-backports` \| 10\.0p2 Debian-7~bpo12\+1 \| — \|/);
});

t.test('a fingerprint without systemd or TCP sysctls shows dashes, not "undefined"', async t => {
  const bare = { ...sid, versions: {}, sysctls: {} };
  t.match(versionsTable({ targets: [bare], cells: [] }).split('\n')[2], /^\| `debian-sid` \| 10\.6p1 Debian-1 \| — \| — \| — \| — \|$/);
});
