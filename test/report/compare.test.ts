import t from 'tap';
import {
  cellsOn,
  comparedCounts,
  compareViews,
  differences,
  outcomeKey,
  shortColumnNames,
  type CompareSlot,
  type CompareView,
} from '../../harness/report/compare.js';
import { rowLabel } from '../../harness/report/matrix-view.js';
import type { CellResult, RunResult } from '../../harness/results.js';
import { fixture, fixtureCopy, multiTarget } from './fixtures.js';

const BULLSEYE = 'debian-bullseye';
const TRIXIE = 'debian-trixie';

/** A case's slot in the views by "session/launch/workload × sever" and the combo's text. */
function slotAt(views: CompareView[], row: string, sever: string, user = 'lab'): CompareSlot | undefined {
  const view = views.find((v) => v.combo.some(([a, value]) => a === 'user' && value === user))!;
  const r = view.rows.find((x) => rowLabel(x.key, '/') === row);
  return r?.slots[view.severs.indexOf(sever)];
}

/** The cell of the fixture case `id` on a target of a multi-target result. */
function cellOf(result: RunResult, target: string, fixtureId: string): CellResult {
  const original = fixture.cells.find((c) => c.id === fixtureId)!;
  return result.cells.find(
    (c) =>
      c.target === target &&
      c.session === original.session &&
      c.launch === original.launch &&
      c.workload === original.workload &&
      c.sever === original.sever &&
      c.user === original.user &&
      c.rep === original.rep,
  )!;
}

const diffLabels = (views: CompareView[]) =>
  differences(views).map((d) => `${rowLabel(d.key, '/')} × ${d.sever} [${d.combo.map(([a, v]) => `${a}=${v}`).join(' ')}]`);

t.test('no side-by-side view for a single target', async (t) => {
  t.same(compareViews(fixture), []);
  t.same(differences(compareViews(fixture)), []);
  t.same(comparedCounts([]), { compared: 0, differ: 0 });
});

t.test('a target that is declared but ran no cell does not make a comparison', async (t) => {
  const result = fixtureCopy();
  result.axes.target = ['debian-bookworm', TRIXIE];
  t.same(compareViews(result), []);
  const two = multiTarget();
  two.cells = two.cells.filter((c) => c.target === TRIXIE);
  t.same(compareViews(two), [], 'nor one whose cells are all on another');
});

t.test('one view per combination of the varying extra axes, each slot one entry per target', async (t) => {
  const result = multiTarget();
  const views = compareViews(result);
  t.same(
    views.map((v) => v.combo),
    [[['user', 'lab']], [['user', 'root']]],
  );
  for (const v of views) t.same([v.columnAxes, v.columns], [['target'], [BULLSEYE, TRIXIE]]);
  t.same(views[0]!.severs, ['logout', 'client-kill', 'drop', 'nat-expiry:10']);
  t.same(views[1]!.severs, ['client-kill'], 'only the severs that combination ran');
  t.same(
    views[1]!.rows.map((r) => rowLabel(r.key, '/')),
    ['pty/background/quiet', 'pty/setsid/chatty'],
    'only the rows it ran',
  );
  const slots = views.flatMap((v) => v.rows.flatMap((r) => r.slots)).filter((s): s is CompareSlot => s !== undefined);
  t.equal(slots.length, 14, 'one per case');
  for (const s of slots) {
    t.equal(s.byColumn.length, 2);
    t.same(
      s.byColumn.map((x) => x?.cells[0]?.target),
      [BULLSEYE, TRIXIE],
    );
  }
  const disown = slotAt(views, 'pty/disown/quiet', 'drop')!;
  t.same(
    disown.byColumn.map((s) => s!.cells.map((c) => c.rep)),
    [
      [1, 2, 3],
      [1, 2, 3],
    ],
    'a slot holds every repetition, in order',
  );
  t.equal(slotAt(views, 'pty/tmux/quiet', 'drop'), undefined, 'a case no target ran has no slot');
});

t.test('differs when verdict or signal differ, not when only the times do', async (t) => {
  const result = multiTarget();
  const views = compareViews(result);
  t.equal(slotAt(views, 'pty/nohup/quiet', 'client-kill')!.differs, true, 'survived vs killed SIGTERM');
  t.equal(slotAt(views, 'exec/foreground/quiet', 'client-kill')!.differs, true, 'session-open vs killed SIGPIPE');
  t.equal(slotAt(views, 'pty/disown/quiet', 'drop')!.differs, true, 'repetitions that disagreed vs all survived');
  t.equal(slotAt(views, 'pty/foreground/quiet', 'client-kill')!.differs, false, 'killed SIGHUP on both, at other times');
  t.equal(slotAt(views, 'pty/nohup/quiet', 'logout')!.differs, false);
  t.equal(slotAt(views, 'exec/nohup/quiet', 'client-kill')!.differs, false, 'inconclusive on both');
  t.equal(slotAt(views, 'pty/foreground/quiet', 'logout')!.differs, false, 'not-applicable on both');

  const signal = multiTarget();
  cellOf(signal, TRIXIE, '2b3c4d5e').signal = 'SIGTERM';
  t.equal(slotAt(compareViews(signal), 'pty/foreground/quiet', 'client-kill')!.differs, true, 'the signal alone');

  const times = multiTarget();
  const c = cellOf(times, TRIXIE, 'b4c5d6e7');
  Object.assign(c, { sessionEndedMs: 1, pathBrokeMs: 2, timing: { ...c.timing, durationMs: 5 }, reason: 'other words', checks: [] });
  c.clientEnd = { exitMs: 1, exitCode: 0, exitSignal: null, lastLines: [] };
  t.equal(slotAt(compareViews(times), 'pty/nohup/quiet', 'nat-expiry:10')!.differs, false, 'times, reasons, client and checks do not count');
});

t.test('a case missing on one target is not a difference', async (t) => {
  const result = multiTarget();
  const gone = cellOf(result, TRIXIE, '4d5e6f70');
  result.cells = result.cells.filter((c) => c !== gone);
  const views = compareViews(result);
  const slot = slotAt(views, 'pty/nohup/quiet', 'client-kill')!;
  t.ok(slot.byColumn[0]);
  t.equal(slot.byColumn[1], undefined);
  t.equal(slot.differs, false);
  t.same(comparedCounts(views), { compared: 13, differ: 2 }, 'and it is not counted as compared');
  t.notOk(diffLabels(views).some((l) => l.startsWith('pty/nohup/quiet × client-kill')));

  const onlyBullseye = multiTarget();
  onlyBullseye.cells = onlyBullseye.cells.filter((c) => !(c.target === TRIXIE && c.user === 'root'));
  const v = compareViews(onlyBullseye);
  t.equal(v.length, 2, 'a combination only one target ran still has its view');
  t.ok(
    v[1]!.rows.every((r) => r.slots.every((s) => s === undefined || (s.byColumn[1] === undefined && !s.differs))),
  );
});

t.test('differences: every differing case in reading order, with its combo, row and sever', async (t) => {
  const views = compareViews(multiTarget());
  t.same(diffLabels(views), [
    'pty/disown/quiet × drop [user=lab]',
    'pty/nohup/quiet × client-kill [user=lab]',
    'exec/foreground/quiet × client-kill [user=lab]',
  ]);
  const d = differences(views)[1]!;
  t.same(
    cellsOn(d.slot, 0).map((c) => c.verdict),
    ['survived'],
  );
  t.same(
    cellsOn(d.slot, 1).map((c) => [c.verdict, c.signal]),
    [['killed', 'SIGTERM']],
  );
  t.same(cellsOn({ byColumn: [undefined], differs: false }, 0), [], 'no cells where a target has none');
  t.same(cellsOn(d.slot, 5), []);
});

t.test('comparedCounts: cases on more than one target, and how many differ', async (t) => {
  t.same(comparedCounts(compareViews(multiTarget())), { compared: 14, differ: 3 });
  const same = multiTarget();
  for (const c of same.cells.filter((x) => x.target === TRIXIE)) {
    const twin = cellOf(same, BULLSEYE, fixture.cells.find((f) => f.session === c.session && f.launch === c.launch && f.workload === c.workload && f.sever === c.sever && f.user === c.user && f.rep === c.rep)!.id);
    Object.assign(c, { verdict: twin.verdict, signal: twin.signal });
  }
  t.same(comparedCounts(compareViews(same)), { compared: 14, differ: 0 });
  t.same(differences(compareViews(same)), []);
});

t.test('three targets: one entry per target; a case two of them ran still compares', async (t) => {
  const names = [BULLSEYE, 'debian-bookworm', TRIXIE];
  const result = multiTarget(names);
  const views = compareViews(result);
  t.same(views[0]!.columns, names, 'in axis order');
  const slot = slotAt(views, 'pty/nohup/quiet', 'client-kill')!;
  t.same(
    slot.byColumn.map((s) => s!.cells[0]!.verdict),
    ['survived', 'survived', 'killed'],
  );
  t.equal(slot.differs, true);
  t.same(comparedCounts(views), { compared: 14, differ: 3 });

  const gone = cellOf(result, 'debian-bookworm', '6f708192');
  result.cells = result.cells.filter((c) => c !== gone);
  const partial = slotAt(compareViews(result), 'exec/foreground/quiet', 'client-kill')!;
  t.equal(partial.byColumn[1], undefined);
  t.equal(partial.differs, true, 'bullseye and trixie still disagree');
});

t.test('outcomeKey: the outcomes a slot saw, without counts, order or times', async (t) => {
  const views = compareViews(multiTarget());
  const disown = slotAt(views, 'pty/disown/quiet', 'drop')!;
  t.equal(outcomeKey(disown.byColumn[0]!), 'survived / killed SIGHUP');
  t.equal(outcomeKey(disown.byColumn[1]!), 'survived');
  const foreground = slotAt(views, 'pty/foreground/quiet', 'client-kill')!;
  t.equal(outcomeKey(foreground.byColumn[0]!), outcomeKey(foreground.byColumn[1]!));
  t.equal(outcomeKey({ caseId: 'x', cells: [...disown.byColumn[0]!.cells].reverse() }), 'survived / killed SIGHUP');
  t.equal(outcomeKey({ caseId: 'x', cells: disown.byColumn[1]!.cells.slice(0, 1) }), 'survived', 'one survivor reads like three');
});

t.test('shortColumnNames: the part after the prefix all share', async (t) => {
  t.same(shortColumnNames([BULLSEYE, TRIXIE]), ['bullseye', 'trixie']);
  t.same(shortColumnNames([BULLSEYE, 'debian-bookworm', TRIXIE]), ['bullseye', 'bookworm', 'trixie']);
  t.same(shortColumnNames(['debian-bookworm']), ['debian-bookworm'], 'a single target unchanged');
  t.same(shortColumnNames([]), []);
  t.same(shortColumnNames(['ubuntu-noble', 'debian-trixie']), ['ubuntu-noble', 'debian-trixie'], 'no common prefix');
  t.same(shortColumnNames(['debian', 'debian-trixie']), ['debian', 'debian-trixie'], 'never shortened to nothing');
  t.same(shortColumnNames(['debian-12-bookworm', 'debian-13-trixie']), ['12-bookworm', '13-trixie'], 'whole words only');
  t.same(shortColumnNames(['lab-debian-a', 'lab-debian-b']), ['a', 'b'], 'several shared words');
  t.same(shortColumnNames(['debianx-a', 'debian-b']), ['debianx-a', 'debian-b'], 'a shared prefix that is not a whole word');
  t.same(shortColumnNames(['alma', 'rocky']), ['alma', 'rocky']);
});

t.test('one target, several server and client implementations: the stacks side by side', async (t) => {
  // The fixture's cells on four stacks; on dropbear / paramiko the disowned job dies on drop.
  const base = fixtureCopy();
  const stacks = [
    ['openssh', 'openssh'],
    ['openssh', 'paramiko'],
    ['dropbear', 'openssh'],
    ['dropbear', 'paramiko'],
  ] as const;
  const result: RunResult = {
    ...base,
    axes: { ...base.axes, server: ['openssh', 'dropbear'], client: ['openssh', 'paramiko'] },
    cells: stacks.flatMap(([server, client]) =>
      base.cells.map((c) => ({
        ...c,
        id: `${c.id}-${server}-${client}`,
        server,
        client,
        ...(server === 'dropbear' && client === 'paramiko' && c.launch === 'disown' && c.sever === 'drop'
          ? { verdict: 'killed' as const, signal: 'SIGHUP' }
          : {}),
      })),
    ),
  };
  const views = compareViews(result);
  t.ok(views.length > 0, 'a side-by-side view although there is one target');
  for (const v of views) {
    t.same(v.columnAxes, ['server', 'client']);
    t.same(v.columns, ['openssh / openssh', 'openssh / paramiko', 'dropbear / openssh', 'dropbear / paramiko']);
    t.notOk(v.combo.some(([a]) => a === 'server' || a === 'client'), 'the compared axes do not split the views');
  }
  const diffs = differences(views);
  t.ok(diffs.length > 0);
  for (const d of diffs) {
    t.equal(d.sever, 'drop');
    t.equal(d.key.launch, 'disown');
    t.same(
      d.slot.byColumn.map((x) => x?.cells.every((c) => c.verdict === 'killed')),
      [false, false, false, true],
      'only dropbear / paramiko killed',
    );
  }
});
