// doctor on this machine, for real: everything needed is here, so exit 0, the engine's version is
// reported, one real login with the run's key and options works, and its containers and temp dirs
// are gone afterwards.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';

const bin = path.resolve(import.meta.dirname, '../../bin/hangup-lab.js');

interface Report {
  exitCode: number;
  checks: { name: string; status: string; detail: string; fix?: string }[];
}

t.test('doctor --json: exit 0, the engine version, no container left', async t => {
  const version = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 20_000 }).trim();
  // The login check starts a real target: on a loaded machine that alone can take a minute.
  const r = spawnSync(process.execPath, [bin, 'doctor', '--json'], { encoding: 'utf8', timeout: 300_000 });
  const report = JSON.parse(r.stdout) as Report;
  const notOk = report.checks.filter(c => c.status === 'missing');
  t.equal(r.status, 0, `exit 0; missing: ${JSON.stringify(notOk)}`);
  t.equal(report.exitCode, 0);
  const engine = report.checks.find(c => c.name === 'docker engine');
  t.equal(engine?.status, 'ok');
  t.match(engine?.detail, `Docker ${version},`);
  t.equal(report.checks.find(c => c.name === 'container capabilities')?.status, 'ok', 'a container with the target options started');
  const left = execFileSync('docker', ['ps', '-aq', '--filter', 'label=hangup-lab.doctor=1', '--filter', `label=hangup-lab.pid=${r.pid}`], {
    encoding: 'utf8',
    timeout: 20_000,
  }).trim();
  t.equal(left, '', 'its test containers are removed');
  const login = report.checks.find(c => c.name === 'login with the run key');
  t.equal(login?.status, 'ok', `one login with the run's key and options: ${login?.detail} ${login?.fix ?? ''}`);
  t.match(login?.detail, /^debian-\w+: OpenSSH_\S+ \(this host\) logged in to OpenSSH_\S+ \(target\) with the run's key and options, ran true/, 'names both OpenSSH versions');
  const targets = execFileSync('docker', ['ps', '-aq', '--filter', `label=hangup-lab.pid=${r.pid}`], { encoding: 'utf8', timeout: 20_000 }).trim();
  t.equal(targets, '', 'the target it logged in to is removed');
  t.same(fs.readdirSync(os.tmpdir()).filter(n => n.startsWith(`hangup-lab-${r.pid}-`)), [], 'and its temp dir with the key');
});

t.test('doctor without flags: one line per check and a summary', async t => {
  const r = spawnSync(process.execPath, [bin, 'doctor'], { encoding: 'utf8', timeout: 300_000 });
  t.equal(r.status, 0, r.stdout);
  const lines = r.stdout.trim().split('\n');
  t.match(lines.at(-1), /^ready: \d+ ok, 0 missing, \d+ warnings$/);
  for (const l of lines.slice(0, -1)) t.match(l, /^(ok |MISSING|WARN ) *[^:]+: /);
});
