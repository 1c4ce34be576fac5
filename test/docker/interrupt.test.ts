// The cleanup guarantee, tried for real: runs of test/docker/interrupt.yaml (shared and own
// containers, a NAT router, iptables rules, a client frozen by the sleep sever, tmux, a root login)
// are interrupted at random moments by SIGINT, SIGTERM, SIGHUP (to the harness, or to its process
// group as a terminal's Ctrl-C does) and SIGKILL (followed by `hangup-lab clean`, the sweep every
// run also does when it starts). After each, nothing the run made may be left: no container or
// network it owned, no temp dir (with the run's private key), no ssh client (frozen or not), no
// docker exec of a removed container, no iptables rule on this host naming one of its containers.
// The seed is printed; HANGUP_LAB_INTERRUPT_SEED=N repeats the same moments.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { bin, leftoversOf } from '../fixtures/cli.js';

const scenario = path.resolve(import.meta.dirname, 'interrupt.yaml');
const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 60_000 }).stdout.trim();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** The moments and signals: at least 10 interrupts, each signal several times. */
const PLAN: { signal: NodeJS.Signals; toGroup: boolean }[] = [
  { signal: 'SIGINT', toGroup: true },
  { signal: 'SIGTERM', toGroup: false },
  { signal: 'SIGHUP', toGroup: true },
  { signal: 'SIGKILL', toGroup: false },
  { signal: 'SIGINT', toGroup: false },
  { signal: 'SIGTERM', toGroup: true },
  { signal: 'SIGHUP', toGroup: false },
  { signal: 'SIGKILL', toGroup: true },
  { signal: 'SIGINT', toGroup: true },
  { signal: 'SIGTERM', toGroup: false },
  { signal: 'SIGHUP', toGroup: true },
  { signal: 'SIGKILL', toGroup: false },
];
/** The scenario's run takes about 33 s alone: every moment of it up to here is fair game. */
const LATEST_MS = 28_000;
const EARLIEST_MS = 300;
const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as Record<string, number>;

/** A small seeded generator (mulberry32), so a failing sequence can be repeated exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seen {
  containers: Set<string>;
  ips: Set<string>;
}

/** Record the containers the run owns while it runs (by its pid label), and their addresses. */
function watchContainers(pid: number, seen: Seen): () => Promise<void> {
  let on = true;
  const loop = (async () => {
    while (on) {
      for (const id of sh(`docker ps -a -q --no-trunc --filter label=hangup-lab.pid=${pid}`).split('\n').filter(Boolean)) {
        if (seen.containers.has(id)) continue;
        seen.containers.add(id);
        const ip = sh(`docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' ${id} 2>/dev/null`);
        for (const a of ip.split(' ').filter(Boolean)) seen.ips.add(a);
      }
      await sleep(400);
    }
  })();
  return async () => {
    on = false;
    await loop;
  };
}

/** Everything of run `pid` still on this machine, one line each; empty = nothing left. */
function leftovers(pid: number, seen: Seen): string[] {
  const found: string[] = [];
  const { containers, runDirs } = leftoversOf(pid);
  if (containers.length) found.push(`containers: ${containers.join(' ')}`);
  const alive = [...seen.containers].filter(id => sh(`docker ps -a -q --no-trunc --filter id=${id}`));
  if (alive.length) found.push(`containers seen during the run: ${alive.map(id => id.slice(0, 12)).join(' ')}`);
  const networks = sh(`docker network ls -q --filter label=hangup-lab.pid=${pid}`);
  if (networks) found.push(`networks: ${networks.replace(/\n/g, ' ')}`);
  if (runDirs.length) found.push(`temp dirs: ${runDirs.join(' ')}`);
  const procs = sh('ps -eo pid=,stat=,args=')
    .split('\n')
    .filter(l => l.includes(`hangup-lab-${pid}-`) || [...seen.containers].some(id => l.includes('docker exec') && l.includes(id.slice(0, 12))));
  if (procs.length) found.push(`processes: ${procs.map(l => l.trim()).join(' | ')}`);
  // The run's kernel witness: an ftrace instance named after it, in its private tracefs mount.
  const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map(l => l.split(' ')).filter(f => f[2] === 'tracefs').map(f => f[1]!);
  const own = (name: string) => name.startsWith(`hangup-lab-${pid}.`) || name.startsWith(`hangup-lab-tracefs-${pid}.`);
  const traces = [...mounts.filter(m => own(path.basename(m))), ...mounts.flatMap(m => (fs.existsSync(path.join(m, 'instances')) ? fs.readdirSync(path.join(m, 'instances')).filter(own) : []))];
  // A private mount point unmounted but not removed: an empty directory in the temp dir.
  const points = fs.readdirSync(os.tmpdir()).filter(n => n.startsWith(`hangup-lab-tracefs-${pid}.`) && !mounts.includes(path.join(os.tmpdir(), n)));
  traces.push(...points.map(n => `${n} (mount point)`));
  if (traces.length) found.push(`kernel trace: ${traces.join(' ')}`);
  const rules = hostRulesOf(seen);
  if (rules.length) found.push(`host iptables rules: ${rules.join(' | ')}`);
  return found;
}

/** Host iptables rules naming an address the run's containers had, and no container has now. */
function rulesNaming(seen: Seen): string[] {
  // Docker hands a freed address to the next container, and other tests run side by side: an
  // address another container holds now (before or after the rules are read) is not this run's.
  // Every container counts, not only running ones: Docker writes a container's port rules while
  // it starts, before `docker ps` lists it as running (L8: another test's container at 172.17.0.2,
  // starting, had its DNAT rule read as this run's).
  const inUse = () => new Set(sh(`docker ps -aq | xargs -r docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}'`).split(/\s+/).filter(Boolean));
  const before = inUse();
  const saved = sh('iptables-save 2>/dev/null');
  const after = inUse();
  const ours = [...seen.ips].filter(ip => !before.has(ip) && !after.has(ip));
  return saved.split('\n').filter(l => ours.some(ip => new RegExp(`(^|[^0-9.])${ip.replace(/\./g, '\\.')}([^0-9]|$)`).test(l)));
}

/**
 * A rule left behind stays; one of a container that was being created while the rules were read
 * is gone or claimed a moment later. So the rules are read twice, 3 s apart, and only those in
 * both reads count.
 */
function hostRulesOf(seen: Seen): string[] {
  if (!seen.ips.size) return [];
  const first = rulesNaming(seen);
  if (!first.length) return [];
  spawnSync('sleep', ['3']);
  const second = new Set(rulesNaming(seen));
  return first.filter(r => second.has(r));
}

t.test('interrupted at random moments, a run leaves nothing behind', async t => {
  const seed = Number(process.env.HANGUP_LAB_INTERRUPT_SEED ?? Date.now() % 1_000_000);
  const rand = random(seed);
  t.comment(`seed ${seed} (HANGUP_LAB_INTERRUPT_SEED=${seed} repeats these moments)`);
  const dir = t.testdir({});
  const table: string[] = [];
  let leftoverCount = 0;
  for (const [i, { signal, toGroup }] of PLAN.entries()) {
    const delayMs = Math.round(EARLIEST_MS + rand() * (LATEST_MS - EARLIEST_MS));
    // detached: a process group of its own, so "to the group" reaches the harness and its docker
    // CLI children as a terminal's Ctrl-C would, and nothing else.
    const child = spawn(process.execPath, [bin, 'run', '--scenario', scenario, '--out', path.join(dir, `run${i}`), '--progress', 'log'], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', d => (stderr += d));
    // A signal in the first second finds node still loading the harness, before its handlers are
    // installed: the default action ends it (nothing was made yet). That is told apart by `sig`.
    let byDefaultAction = false;
    const exited = new Promise<number | null>(r =>
      child.on('exit', (code, sig) => {
        byDefaultAction = sig !== null;
        r(code ?? (sig ? 128 + (os.constants.signals[sig] ?? 0) : null));
      }),
    );
    const pid = child.pid!;
    const seen: Seen = { containers: new Set(), ips: new Set() };
    const stopWatching = watchContainers(pid, seen);
    const early = await Promise.race([exited, sleep(delayMs).then(() => 'due' as const)]);
    const aliveBefore = sh(`docker ps -q --filter label=hangup-lab.pid=${pid}`).split('\n').filter(Boolean).length;
    if (early === 'due') process.kill(toGroup ? -pid : pid, signal);
    const code = await exited;
    await stopWatching();
    if (signal === 'SIGKILL') {
      // What a SIGKILLed run leaves is removed by the sweep at the next start (or `clean`).
      const clean = spawnSync(process.execPath, [bin, 'clean'], { encoding: 'utf8', timeout: 120_000 });
      t.equal(clean.status, 0, `hangup-lab clean: ${clean.stderr.trim()}`);
    } else if (early === 'due' && !byDefaultAction) {
      t.equal(code, SIGNAL_EXIT[signal], `${signal} → exit ${SIGNAL_EXIT[signal]} (${stderr.trim().split('\n').slice(-2).join(' / ')})`);
      t.match(stderr, /nothing left behind/, 'the harness says it left nothing behind');
    }
    const found = leftovers(pid, seen);
    leftoverCount += found.length;
    t.same(found, [], `#${i + 1} ${signal}${toGroup ? ' to the group' : ''} at ${(delayMs / 1000).toFixed(1)} s: nothing left`);
    table.push(
      `#${String(i + 1).padStart(2)} ${signal.padEnd(7)} ${toGroup ? 'group' : 'pid  '} at ${(delayMs / 1000).toFixed(1).padStart(4)} s: ` +
        `${early === 'due' ? `${aliveBefore} container(s) running, ${seen.containers.size} made so far` : `the run had ended (exit ${early})`}; exit ${code}` +
        `${byDefaultAction && signal !== 'SIGKILL' ? ' (before the handlers were installed)' : ''}; leftovers ${found.length}`,
    );
    // The next run must not find this one's containers (its sweep would hide a leak).
  }
  t.comment(['interrupts:', ...table].join('\n'));
  t.equal(leftoverCount, 0, `${PLAN.length} interrupts, ${leftoverCount} leftovers`);
  t.ok(PLAN.length >= 10, 'at least 10 interrupts');
});
