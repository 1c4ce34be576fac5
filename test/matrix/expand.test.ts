import t from 'tap';
import { DEFAULT_AXES } from '../fixtures/cell.js';
import { cellId } from '../../harness/matrix/cell-id.js';
import { expand, matches, type Axes, type AxisPattern, type MatrixBlock } from '../../harness/matrix/expand.js';
import { AXIS_NAMES, type Cell } from '../../harness/results.js';

/** Every axis fixed at one value except session, launch and sever (2 × 2 × 2 = 8 cells). */
const small: Axes = {
  target: ['debian-bookworm'],
  server: ['openssh'],
  client: ['openssh'],
  user: ['lab'],
  session: ['pty', 'exec'],
  launch: ['nohup', 'tmux'],
  workload: ['quiet'],
  sever: ['logout', 'drop'],
  clientAlive: ['off'],
  serverAlive: ['off'],
  tcpKeepAlive: ['yes'],
  kernel: ['default'],
  killUserProcesses: ['no'],
  linger: ['off'],
  huponexit: ['off'],
};

/** The axes written as a matrix (GitHub's "original" keys); the rest are defaults. */
const MATRIX_AXES = ['target', 'session', 'launch', 'sever'] as const;

function block(axes: Partial<Axes> = {}, exclude: AxisPattern[] = [], include: AxisPattern[] = [], latencyRepeats = 1): MatrixBlock {
  const matrixAxes = [...new Set([...MATRIX_AXES, ...(Object.keys(axes) as (keyof Axes)[])])];
  return { axes: { ...small, ...axes }, matrixAxes, exclude, include, latencyRepeats };
}

const key = (c: Cell) => `${c.session}/${c.launch}/${c.workload}/${c.sever}`;
const values = ({ id: _id, caseId: _caseId, rep: _rep, ...v }: Cell) => v;

t.test('the cross product has one cell per combination, last axis varying fastest', async t => {
  const cells = expand([block()]);
  t.same(cells.map(key), [
    'pty/nohup/quiet/logout',
    'pty/nohup/quiet/drop',
    'pty/tmux/quiet/logout',
    'pty/tmux/quiet/drop',
    'exec/nohup/quiet/logout',
    'exec/nohup/quiet/drop',
    'exec/tmux/quiet/logout',
    'exec/tmux/quiet/drop',
  ]);
  t.ok(cells.every(c => c.target === 'debian-bookworm' && c.user === 'lab' && c.clientAlive === 'off'));
});

t.test('the new axes vary in AXIS_NAMES order: user slower than session, huponexit fastest', async t => {
  const cells = expand([block({ user: ['lab', 'root'], session: ['pty'], launch: ['nohup'], sever: ['drop'], clientAlive: ['off', '1/2'], huponexit: ['off', 'on'] })]);
  t.same(
    cells.map(c => `${c.user} ${c.clientAlive} ${c.huponexit}`),
    ['lab off off', 'lab off on', 'lab 1/2 off', 'lab 1/2 on', 'root off off', 'root off on', 'root 1/2 off', 'root 1/2 on'],
  );
});

t.test('every cell has a value for every axis, plus id, caseId and rep', async t => {
  for (const c of expand([block({ serverAlive: ['off', '5/2'] })])) {
    t.same(Object.keys(c).sort(), [...AXIS_NAMES, 'id', 'caseId', 'rep'].sort());
  }
});

t.test('the number of cells is the product of the axis lengths', async t => {
  const cells = expand([
    block({
      user: ['lab', 'root'],
      clientAlive: ['off', '1/2', '15/3'],
      serverAlive: ['off', '5/2'],
      tcpKeepAlive: ['yes', 'no'],
      kernel: ['default', 'tcp_retries2=3'],
      killUserProcesses: ['no', 'yes'],
      linger: ['off', 'on'],
      huponexit: ['off', 'on'],
    }),
  ]);
  t.equal(cells.length, 8 * 2 * 3 * 2 * 2 * 2 * 2 * 2 * 2);
  t.equal(new Set(cells.map(c => c.id)).size, cells.length, 'all ids distinct');
});

t.test('values keep the order the scenario lists them in', async t => {
  const cells = expand([block({ session: ['exec', 'pty'], sever: ['drop', 'logout'] })]);
  t.same(cells.slice(0, 2).map(key), ['exec/nohup/quiet/drop', 'exec/nohup/quiet/logout']);
});

t.test('an empty axis yields no cells', async t => {
  t.same(expand([block({ launch: [] })]), []);
  t.same(expand([block({ linger: [] })]), []);
});

t.test('no blocks, no cells', async t => {
  t.same(expand([]), []);
});

t.test('a case run once: its id is the hash of its axis values, equal to caseId, rep 1', async t => {
  for (const c of expand([block()])) {
    t.equal(c.id, cellId(values(c)));
    t.equal(c.caseId, c.id);
    t.equal(c.rep, 1);
  }
});

t.test('a partial exclude pattern removes every cell it matches and nothing else', async t => {
  const cells = expand([block({}, [{ session: 'exec', launch: 'tmux' }])]);
  t.equal(cells.length, 6);
  t.notOk(cells.some(c => c.session === 'exec' && c.launch === 'tmux'));
  t.ok(cells.some(c => c.session === 'exec' && c.launch === 'nohup'));
  t.ok(cells.some(c => c.session === 'pty' && c.launch === 'tmux'));
});

t.test('several exclude patterns each remove their own cells', async t => {
  const cells = expand([block({}, [{ sever: 'drop' }, { session: 'pty', launch: 'nohup' }])]);
  t.same(cells.map(key), ['pty/tmux/quiet/logout', 'exec/nohup/quiet/logout', 'exec/tmux/quiet/logout']);
});

t.test('exclude works on the new axes', async t => {
  const cells = expand([
    block({ user: ['lab', 'root'], linger: ['off', 'on'], clientAlive: ['off', '1/2'] }, [
      { user: 'root', linger: 'on' },
      { clientAlive: '1/2', sever: 'logout' },
    ]),
  ]);
  t.notOk(cells.some(c => c.user === 'root' && c.linger === 'on'));
  t.notOk(cells.some(c => c.clientAlive === '1/2' && c.sever === 'logout'));
  t.ok(cells.some(c => c.user === 'root' && c.linger === 'off'));
  t.ok(cells.some(c => c.user === 'lab' && c.linger === 'on'));
  t.ok(cells.some(c => c.clientAlive === '1/2' && c.sever === 'drop'));
  // 8 × 2 × 2 × 2 = 64; root+linger on: 16; clientAlive 1/2 + logout: 16; both: 4.
  t.equal(cells.length, 64 - 16 - 16 + 4);
});

t.test('an exclude pattern naming all axes removes exactly one cell', async t => {
  const cells = expand([
    block({}, [
      { ...DEFAULT_AXES, launch: 'tmux' },
    ]),
  ]);
  t.equal(cells.length, 7);
  t.notOk(cells.some(c => key(c) === 'pty/tmux/quiet/drop'));
});

t.test('an exclude pattern that matches nothing changes nothing', async t => {
  t.same(expand([block({}, [{ launch: 'screen' }])]), expand([block()]));
  t.same(expand([block({}, [{ user: 'root' }])]), expand([block()]));
});

t.test('an include naming every axis adds that cell at the end', async t => {
  const extra = { ...values(expand([block()])[0]!), launch: 'setsid', workload: 'chatty' as const, sever: 'sshd-kill' };
  const cells = expand([block({}, [], [extra])]);
  t.equal(cells.length, 9);
  const last = cells.at(-1)!;
  t.same(values(last), extra);
  t.equal(last.id, cellId(extra));
});

t.test('an include is a whole cell: axes it does not name take the first value of the block', async t => {
  const cells = expand([block({ user: ['lab', 'root'], linger: ['off', 'on'] }, [], [{ launch: 'setsid', sever: 'sshd-kill', huponexit: 'on' }])]);
  t.equal(cells.length, 8 * 2 * 2 + 1);
  t.same(values(cells.at(-1)!), { ...DEFAULT_AXES, launch: 'setsid', sever: 'sshd-kill', huponexit: 'on' });
});

t.test('an include that agrees with cells on the matrix axes sets its other axes in those cells', async t => {
  const base = expand([block()]);
  const cells = expand([block({}, [], [{ session: 'pty', launch: 'nohup', linger: 'on' }])]);
  t.equal(cells.length, base.length, 'no new cell');
  t.same(
    cells.filter(c => c.linger === 'on').map(key),
    ['pty/nohup/quiet/logout', 'pty/nohup/quiet/drop'],
    'both pty/nohup cells got linger on, nothing else did',
  );
});

t.test('an include naming only default axes is added to every cell (GitHub: "color: green")', async t => {
  const cells = expand([block({}, [], [{ user: 'root', clientAlive: '1/2' }])]);
  t.equal(cells.length, 8);
  t.ok(cells.every(c => c.user === 'root' && c.clientAlive === '1/2'));
});

t.test('an include never overwrites a matrix value: one that disagrees is a new cell', async t => {
  const cells = expand([block({}, [], [{ session: 'pty', launch: 'setsid', sever: 'logout' }])]);
  t.equal(cells.length, 9);
  t.equal(key(cells.at(-1)!), 'pty/setsid/quiet/logout');
});

t.test('a later include overwrites what an earlier include added, not the matrix', async t => {
  const cells = expand([block({}, [], [{ huponexit: 'on' }, { session: 'exec', huponexit: 'off', linger: 'on' }])]);
  t.same(cells.map(c => `${c.session} ${c.huponexit} ${c.linger}`), [
    ...Array(4).fill('pty on off'),
    ...Array(4).fill('exec off on'),
  ]);
});

t.test("GitHub's documented example, mapped onto axes", async t => {
  // fruit → session, animal → launch; color → linger, shape → huponexit (keys the matrix lacks).
  // GitHub's docs: {apple,cat,pink,circle} {apple,dog,green,circle} {pear,cat,pink} {pear,dog,green} {banana} {banana,cat}
  const b = block({ session: ['pty', 'exec'], launch: ['nohup', 'tmux'], sever: ['logout'] }, [], [
    { linger: 'off' }, // color: green (off stands for green)
    { linger: 'on', launch: 'nohup' }, // color: pink, animal: cat
    { session: 'pty', huponexit: 'on' }, // fruit: apple, shape: circle
    { session: 'exec-tty' }, // fruit: banana
    { session: 'exec-tty', launch: 'nohup' }, // fruit: banana, animal: cat
  ]);
  const got = expand([b]).map(c => `${c.session} ${c.launch} ${c.linger} ${c.huponexit}`);
  t.same(got, [
    'pty nohup on on',
    'pty tmux off on',
    'exec nohup on off',
    'exec tmux off off',
    'exec-tty nohup off off', // banana: axes it does not name take the first value (launch nohup)
  ], 'banana/cat is the same cell as banana here, because an unnamed axis takes its first value: it runs once');
});

t.test('an include of a cell already in the matrix is not duplicated', async t => {
  t.same(expand([block({}, [], [{ session: 'exec', sever: 'drop' }])]), expand([block()]));
  t.same(expand([block({}, [], [{}])]), expand([block()]), 'an empty include is the first cell, already there');
});

t.test('the same include given twice adds the cell once', async t => {
  const extra = { session: 'pty', launch: 'screen', sever: 'logout' };
  const cells = expand([block({}, [], [extra, { ...extra }])]);
  t.equal(cells.length, 9);
  t.equal(new Set(cells.map(c => c.id)).size, 9);
});

t.test('an include brings back a cell that an exclude removed', async t => {
  const cells = expand([block({}, [{ session: 'exec' }], [{ session: 'exec', launch: 'tmux', sever: 'drop' }])]);
  t.same(cells.map(key), [
    'pty/nohup/quiet/logout',
    'pty/nohup/quiet/drop',
    'pty/tmux/quiet/logout',
    'pty/tmux/quiet/drop',
    'exec/tmux/quiet/drop',
  ]);
});

t.test('blocks are concatenated in order, each with its own axes', async t => {
  const cells = expand([block({ session: ['pty'], launch: ['nohup'] }), block({ session: ['exec'], launch: ['setsid'], user: ['root'] })]);
  t.same(cells.map(c => `${c.user} ${key(c)}`), [
    'lab pty/nohup/quiet/logout',
    'lab pty/nohup/quiet/drop',
    'root exec/setsid/quiet/logout',
    'root exec/setsid/quiet/drop',
  ]);
});

t.test('overlapping blocks: a cell in both is run once, where it first appears', async t => {
  const a = block({ session: ['pty'], launch: ['nohup'], sever: ['logout', 'drop'] });
  const b = block({ session: ['pty'], launch: ['nohup'], sever: ['drop', 'sleep:20'] });
  const cells = expand([a, b]);
  t.same(cells.map(c => c.sever), ['logout', 'drop', 'sleep:20']);
  t.equal(new Set(cells.map(c => c.id)).size, 3);
  t.same(expand([a, a]), expand([a]), 'a block given twice adds nothing');
});

t.test("a block's exclude and include apply to that block only", async t => {
  const a = block({ launch: ['nohup'], sever: ['logout'] }, [{ session: 'exec' }], [{ launch: 'screen' }]);
  const b = block({ launch: ['nohup'], sever: ['drop'] });
  const cells = expand([a, b]);
  t.same(cells.map(key), ['pty/nohup/quiet/logout', 'pty/screen/quiet/logout', 'pty/nohup/quiet/drop', 'exec/nohup/quiet/drop']);
});

t.test('repetitions: adjacent, rep 1…N, ids differ, caseId shared, rep 1 is the case itself', async t => {
  const cells = expand([block({ session: ['pty'], launch: ['nohup'] })], { repeats: c => (c.sever === 'drop' ? 3 : 1) });
  t.same(cells.map(c => `${c.sever} ${c.rep}`), ['logout 1', 'drop 1', 'drop 2', 'drop 3']);
  const drops = cells.filter(c => c.sever === 'drop');
  t.equal(new Set(drops.map(c => c.id)).size, 3, 'every repetition has its own id');
  t.equal(new Set(drops.map(c => c.caseId)).size, 1, 'all repetitions share the caseId');
  t.equal(drops[0]!.caseId, cellId(values(drops[0]!)), 'caseId is the hash of the axis values');
  t.equal(drops[0]!.id, drops[0]!.caseId, 'rep 1 has the id of the case');
  t.equal(drops[1]!.id, cellId({ ...values(drops[1]!), rep: 2 }));
  t.equal(drops[2]!.id, cellId({ ...values(drops[2]!), rep: 3 }));
  t.not(drops[0]!.caseId, cells[0]!.caseId, 'another case has another caseId');
});

t.test('the id of rep 1 does not depend on how often the case repeats', async t => {
  const once = expand([block()]);
  const thrice = expand([block()], { repeats: () => 3 });
  t.same(
    thrice.filter(c => c.rep === 1).map(c => c.id),
    once.map(c => c.id),
  );
  t.equal(thrice.length, once.length * 3);
});

t.test('repeats gets the cell values and its block', async t => {
  const seen: [string, number][] = [];
  const cells = expand([block({ session: ['pty'], launch: ['nohup'], sever: ['drop'] }, [], [], 4), block({ session: ['exec'], launch: ['nohup'], sever: ['drop'] }, [], [], 2)], {
    repeats: (c, b) => {
      seen.push([c.session, b.latencyRepeats]);
      t.notOk('id' in c || 'caseId' in c || 'rep' in c, 'no id, caseId or rep yet');
      return b.latencyRepeats;
    },
  });
  t.same(seen, [
    ['pty', 4],
    ['exec', 2],
  ]);
  t.same(cells.map(c => `${c.session} ${c.rep}`), ['pty 1', 'pty 2', 'pty 3', 'pty 4', 'exec 1', 'exec 2']);
});

t.test('a repeat count below 1 still runs the case once', async t => {
  t.same(expand([block()], { repeats: () => 0 }), expand([block()]));
  t.same(expand([block()], { repeats: () => -3 }), expand([block()]));
});

t.test('overlapping blocks with repetitions: each repetition runs once', async t => {
  const a = block({ session: ['pty'], launch: ['nohup'], sever: ['drop'] }, [], [], 3);
  const same = expand([a, a], { repeats: (_c, b) => b.latencyRepeats });
  t.same(same.map(c => c.rep), [1, 2, 3]);
  // The case once in one block and three times in another: three runs in all, no duplicate.
  const once = block({ session: ['pty'], launch: ['nohup'], sever: ['drop'] }, [], [], 1);
  const mixed = expand([once, a], { repeats: (_c, b) => b.latencyRepeats });
  t.same(mixed.map(c => c.rep).sort(), [1, 2, 3]);
  t.equal(new Set(mixed.map(c => c.id)).size, 3);
  t.equal(new Set(mixed.map(c => c.caseId)).size, 1);
});

t.test('random blocks: no duplicates, no excluded cell unless included, every include present', async t => {
  let seed = 0xc311;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const choices: Partial<Axes> = {
    user: ['lab', 'root'],
    session: ['pty', 'exec', 'exec-tty'],
    launch: ['nohup', 'tmux', 'setsid'],
    sever: ['logout', 'drop', 'sleep:20'],
    clientAlive: ['off', '1/2'],
    linger: ['off', 'on'],
  };
  const names = Object.keys(choices) as (keyof Axes)[];
  const randomPattern = (): AxisPattern =>
    Object.fromEntries(names.filter(() => rand() < 0.4).map(a => [a, pick(choices[a]!)]));
  let failures = 0;
  for (let i = 0; i < 200 && failures === 0; i++) {
    const blocks = Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
      block(
        Object.fromEntries(names.map(a => [a, choices[a]!.filter(() => rand() < 0.6)]).map(([a, vs]) => [a, vs!.length ? vs : [pick(choices[a as keyof Axes]!)]])),
        Array.from({ length: Math.floor(rand() * 3) }, randomPattern),
        Array.from({ length: Math.floor(rand() * 3) }, randomPattern),
        1 + Math.floor(rand() * 3),
      ),
    );
    const cells = expand(blocks, { repeats: (c, b) => (c.sever === 'logout' ? 1 : b.latencyRepeats) });
    if (new Set(cells.map(c => c.id)).size !== cells.length) failures++;
    // Every cell either has matrix values no exclude removes, or is an include's own new cell.
    const fromBlock = (c: Cell, b: MatrixBlock) =>
      (b.matrixAxes.every(a => b.axes[a].includes(c[a] as string)) &&
        !b.exclude.some(p => b.matrixAxes.every(a => p[a] === undefined || p[a] === c[a]) && matchesSome(p, b, c))) ||
      b.include.some(inc => AXIS_NAMES.every(a => (inc[a] ?? b.axes[a][0]) === c[a]));
    if (!cells.every(c => blocks.some(b => fromBlock(c, b)))) failures++;
    // Every include shows up: as its own cell, or merged (all its values present in some cell).
    for (const b of blocks) {
      for (const inc of b.include) {
        if (!cells.some(c => Object.entries(inc).every(([a, v]) => c[a as keyof Axes] === v))) failures++;
      }
    }
    const byCase = new Map<string, number[]>();
    for (const c of cells) byCase.set(c.caseId, [...(byCase.get(c.caseId) ?? []), c.rep]);
    for (const reps of byCase.values()) if (!reps.includes(1)) failures++;
  }
  t.equal(failures, 0, 'every random matrix was consistent');
});

/** An exclude pattern removes a combination only through its matrix-axis values and the defaults. */
function matchesSome(p: AxisPattern, b: MatrixBlock, c: Cell): boolean {
  return Object.entries(p).every(([a, v]) => (b.matrixAxes as readonly string[]).includes(a) ? c[a as keyof Axes] === v : b.axes[a as keyof Axes][0] === v);
}

t.test('matches: every key of the pattern must equal the value; an empty pattern matches all', async t => {
  const v = { session: 'pty', launch: 'nohup', sever: 'drop', linger: 'on' };
  t.ok(matches(v, { session: 'pty' }));
  t.ok(matches(v, { session: 'pty', sever: 'drop' }));
  t.ok(matches(v, { linger: 'on' }));
  t.notOk(matches(v, { session: 'pty', sever: 'logout' }));
  t.notOk(matches(v, { workload: 'quiet' }));
  t.ok(matches(v, {}));
});

t.test('matches: numbers in the values compare by their text', async t => {
  t.ok(matches({ rep: 2, session: 'pty' }, { session: 'pty' }));
  t.ok(matches({ sever: 'sleep:20' }, { sever: 'sleep:20' }));
  t.notOk(matches({ sever: 'sleep:20' }, { sever: 'sleep' }), 'a sever with a parameter is not the bare method');
});
