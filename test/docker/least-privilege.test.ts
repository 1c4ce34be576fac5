// Least privilege, observed on the real engine rather than read from the code:
// - every container a run starts is inspected while it runs: never privileged, only the
//   capabilities its cells need (docs/your-machine.md, "What containers are granted"), no host
//   network/PID/IPC/user namespace, ports published on 127.0.0.1 only, no devices, the one mount;
// - the reports carry no key material, and the login user is root only in cells that ask for it;
// - the client pins the target's host key: with a wrong pinned key the real ssh client refuses to
//   log in, with the right one it does.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { bin } from '../fixtures/cli.js';
import { startPlainTarget } from '../fixtures/target.js';
import type { RunResult } from '../../harness/results.js';
import { SshClient } from '../../harness/session/ssh-client.js';
import { makeRunKey } from '../../harness/run/run-key.js';

const scenario = path.resolve(import.meta.dirname, 'least-privilege.yaml');
const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 60_000 }).stdout.trim();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

interface Inspected {
  Id: string;
  Config: { Labels: Record<string, string> };
  HostConfig: {
    Privileged: boolean;
    CapAdd: string[] | null;
    NetworkMode: string;
    PidMode: string;
    IpcMode: string;
    UsernsMode: string;
    PortBindings: Record<string, { HostIp: string; HostPort: string }[]> | null;
    SecurityOpt: string[] | null;
    Binds: string[] | null;
    Devices: unknown[] | null;
  };
}

t.test('containers get only what their cells need; reports hold no keys; non-root logins', async t => {
  const dir = t.testdir({});
  const child = spawn(process.execPath, [bin, 'run', '--scenario', scenario, '--out', dir, '--progress', 'log'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', d => (stderr += d));
  const exited = new Promise<number | null>(r => child.on('exit', code => r(code)));
  const seen = new Map<string, Inspected>();
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const ids = sh(`docker ps -q --no-trunc --filter label=hangup-lab.pid=${child.pid}`).split('\n').filter(id => id && !seen.has(id));
    if (ids.length) {
      for (const c of JSON.parse(sh(`docker inspect ${ids.join(' ')} 2>/dev/null`) || '[]') as Inspected[]) seen.set(c.Id, c);
    }
    await sleep(300);
  }
  t.equal(await exited, 0, `the run passed: ${stderr.trim().split('\n').slice(-2).join(' / ')}`);
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResult;

  const roles = [...seen.values()].map(c => c.Config.Labels['hangup-lab.role'] ?? 'target');
  t.ok(roles.includes('nat-router') && roles.filter(r => r === 'target').length >= 3, `saw the targets and the NAT router (${roles.join(', ')})`);
  for (const c of seen.values()) {
    const h = c.HostConfig;
    const role = c.Config.Labels['hangup-lab.role'] ?? 'target';
    const name = `${role} ${c.Id.slice(0, 12)}`;
    t.equal(h.Privileged, false, `${name}: not privileged`);
    t.notOk(['host'].includes(h.NetworkMode), `${name}: own network namespace (${h.NetworkMode})`);
    t.notOk(h.PidMode === 'host', `${name}: own PID namespace`);
    t.notOk(h.IpcMode === 'host', `${name}: own IPC namespace`);
    t.notOk(h.UsernsMode === 'host', `${name}: no host user namespace opt-out`);
    t.same(h.Devices ?? [], [], `${name}: no devices`);
    for (const [port, bindings] of Object.entries(h.PortBindings ?? {})) {
      for (const b of bindings) t.equal(b.HostIp, '127.0.0.1', `${name}: ${port} published on loopback only`);
    }
    const caps = [...(h.CapAdd ?? [])].map(x => x.replace(/^CAP_/, '')).sort();
    if (role === 'nat-router') {
      t.same(caps, ['NET_ADMIN'], `${name}: NET_ADMIN only (its NAT rules)`);
      // Only its own namespace's conntrack settings: the idle timeout is written at the sever
      // (target/router.ts); net sysctls resolve by the writer's network namespace, never the host's.
      t.same(h.Binds ?? [], ['/proc/sys/net/netfilter:/run/hangup-lab/netfilter:rw'], `${name}: only its conntrack settings mounted`);
    } else {
      // Which cells ran in this container: the run's results name its servers by key, and the
      // sever decides NET_ADMIN. Here: a target whose cells cut connections has it, others not.
      const netAdmin = caps.includes('NET_ADMIN');
      t.ok(caps.every(x => ['NET_ADMIN', 'SYS_ADMIN'].includes(x)), `${name}: no capability beyond the documented ones (${caps.join(', ') || 'none'})`);
      t.ok((h.Binds ?? []).every(b => /^\/sys\/fs\/cgroup:\/sys\/fs\/cgroup(:ro)?$/.test(b)), `${name}: the cgroup mount only (${(h.Binds ?? []).join(', ')})`);
      t.comment(`${name}: CapAdd ${caps.join(',') || '-'}, SecurityOpt ${(h.SecurityOpt ?? []).join(',') || '-'}, NET_ADMIN ${netAdmin}`);
    }
  }
  const withNetAdmin = [...seen.values()].filter(c => !c.Config.Labels['hangup-lab.role'] && (c.HostConfig.CapAdd ?? []).some(x => x.endsWith('NET_ADMIN')));
  const without = [...seen.values()].filter(c => !c.Config.Labels['hangup-lab.role'] && !(c.HostConfig.CapAdd ?? []).some(x => x.endsWith('NET_ADMIN')));
  t.ok(withNetAdmin.length >= 1 && without.length >= 1, `NET_ADMIN only where a cell cuts a connection (${withNetAdmin.length} with, ${without.length} without)`);

  for (const f of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    t.notMatch(text, /PRIVATE KEY|BEGIN OPENSSH/, `${f}: no private key`);
    t.notMatch(text, /ssh-ed25519 AAAA/, `${f}: no public key either`);
    t.notMatch(text, /id_ed25519/, `${f}: not even the key's path`);
  }
  for (const c of result.cells) {
    if (c.user === 'root') t.equal(c.loginUser, 'root', `${c.id}: root only because the cell asks for it`);
    else t.match(c.loginUser, /^hl[0-9a-f]{10}$/, `${c.id}: an unprivileged user of its own`);
  }
});

t.test('the client pins the host key: a wrong pinned key refuses the login', async t => {
  const target = await startPlainTarget(t, 'pintest0', 'least-privilege.test.ts');

  const dir = t.testdir({});
  fs.mkdirSync(path.join(dir, 'other'));
  const { keyFile, publicKey } = await makeRunKey(dir, 'pintest0');
  await target.addUsers(['hlpintest'], publicKey);
  // Any ed25519 key other than the target's serves as the wrongly pinned host key.
  const other = (await makeRunKey(path.join(dir, 'other'), 'pintest1')).publicKey.split(' ').slice(0, 2).join(' ');
  const login = async (pinned: string) => {
    const knownHostsFile = path.join(dir, `known_hosts-${pinned.slice(-8).replace(/\W/g, '')}`);
    fs.writeFileSync(knownHostsFile, `${target.hostKeyAlias} ${pinned}\n`);
    const client = new SshClient({ host: target.ip, user: 'hlpintest', keyFile, knownHostsFile, hostKeyAlias: target.hostKeyAlias, serverAlive: 'off' }, { remotePty: false, command: 'echo hl-logged-in' });
    const exit = await client.exited;
    return { exit, text: client.text };
  };
  const wrong = await login(other);
  t.not(wrong.exit.exitCode, 0, 'a wrong pinned key: ssh exits non-zero');
  t.match(wrong.text, /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/, 'because the host key does not match the pinned one');
  t.notMatch(wrong.text, /hl-logged-in/, 'and the command never ran');
  const right = await login(target.hostKey);
  t.equal(right.exit.exitCode, 0, `the right pinned key logs in: ${right.text.trim()}`);
  t.match(right.text, /hl-logged-in/);
});
