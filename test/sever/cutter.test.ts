// The cutter agent (containers/agent/cutter) run locally, driven by harness/sever/cutter.ts as in a
// target: the programs it arms are stand-ins on PATH that record their stdin, so what is tested is
// the protocol (armed, go, undo at an instant, undo on EOF, nothing when never told to go).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { monoMs } from '../../harness/session/ssh-client.js';
import { Cutter } from '../../harness/sever/cutter.js';
import { standIns } from './stand-ins.js';

const plan = { do: { argv: ['record', 'cut'], input: 'rules in\n' }, undo: { argv: ['record', 'uncut'], input: 'rules out\n' } };

t.test('nothing runs before go; go applies, and the undo happens by itself at its instant', async t => {
  const s = standIns(t);
  const c = await Cutter.start(s.spawnExec, '127.0.0.1', plan, 60);
  t.notOk(s.log('cut'), 'armed: the program waits for its input');
  const undoAt = monoMs() + 300;
  c.fire(undoAt);
  const did = await c.did(10_000);
  t.equal(s.log('cut'), 'rules in\n');
  t.match(did.out, /cut ran/);
  t.ok(did.atMono >= did.fromMono);
  const undid = await c.undid(10_000);
  t.ok(undid, 'undone without being asked');
  t.ok(undid!.fromMono >= undoAt, 'not before its instant');
  t.equal(s.log('uncut'), 'rules out\n');
  await c.close();
  t.equal(s.log('uncut'), 'rules out\n', 'undone once');
});

t.test('closing before go applies nothing; closing after go undoes (nothing outlives the cell)', async t => {
  const s = standIns(t);
  const never = await Cutter.start(s.spawnExec, '127.0.0.1', plan, 60);
  await never.close();
  t.notOk(s.log('cut'));
  t.notOk(s.log('uncut'));
  const once = await Cutter.start(s.spawnExec, '127.0.0.1', plan, 60);
  once.fire();
  await once.did(10_000);
  await once.close();
  t.equal(s.log('uncut'), 'rules out\n');
});

t.test('undo on demand, once', async t => {
  const s = standIns(t);
  const c = await Cutter.start(s.spawnExec, '127.0.0.1', plan, 60);
  c.fire();
  await c.did(10_000);
  c.undo();
  t.ok(await c.undid(10_000));
  c.undo();
  await c.close();
  t.equal(s.log('uncut'), 'rules out\n');
});

t.test('a failing program is an error with its exit code and output', async t => {
  const s = standIns(t);
  const c = await Cutter.start(s.spawnExec, '127.0.0.1', { do: { argv: ['record', 'cut', '3'], input: 'x\n' } }, 60);
  c.fire();
  await t.rejects(c.did(10_000), /applying the fault failed \(exit 3\): cut ran/);
  await c.close();
});

t.test('an agent that cannot start is named, not waited for forever', async t => {
  const spawnExec = () => spawn('sh', ['-c', 'echo "no such container" >&2; exit 1'], { stdio: 'pipe' });
  await t.rejects(Cutter.start(spawnExec, '127.0.0.1', plan, 60), /did not start.*no such container/);
});

t.test('absent: told when no line of the file matches any more', async t => {
  const s = standIns(t);
  const file = path.join(s.dir, 'table');
  fs.writeFileSync(file, 'ipv4 2 tcp 6 431999 ESTABLISHED src=1 dst=2 sport=50000 dport=22 \n');
  const c = await Cutter.start(s.spawnExec, '127.0.0.1', plan, 60);
  c.watchAbsent(file, '^ipv4 +2 +tcp .* sport=50000 dport=22 ');
  const gone = c.absent(10_000);
  await new Promise(r => setTimeout(r, 300));
  const removedAt = monoMs();
  fs.writeFileSync(file, 'ipv4 2 tcp 6 431999 ESTABLISHED src=1 dst=2 sport=50001 dport=22 \n');
  const at = await gone;
  t.ok(at !== null && at >= removedAt, 'found gone after it went');
  await c.close();
});
