// Cross-axis contradictions a scenario can contain, decided at load time from static tables: asking
// for a cell that can never run, or a setting that another one silently overrides. Each is bad input
// (exit 2) rather than a cell reported "not-applicable" or a setting quietly ignored, because the
// user wrote it on purpose. Ordinary cross products that happen to contain such cells stay valid.
import { BadInputError } from '../core/errors.js';
import { launches } from '../launch/registry.js';
import { blockCombinations, matches, type AxisPattern, type MatrixBlock } from '../matrix/expand.js';
import type { CellPattern } from '../expect/judge.js';
import { patternMatches } from '../expect/judge.js';
import type { AxisName } from '../results.js';
import { resolveSession } from '../session/registry.js';
import { severs } from '../sever/registry.js';
import { parseSeverValue } from '../sever/types.js';
import { implementationsDecline } from '../target/implementations.js';
import { configLine } from './sshd-config-file.js';

type Combination = Readonly<Record<string, string>>;
type Fail = (where: string, msg: string) => never;

/**
 * Why a combination can never run (the sever's static support table, then what the server and
 * client implementations can do), or null when it can.
 */
export function neverRuns(c: Partial<Record<AxisName, string>>): string | null {
  const why = severs.get(parseSeverValue(c.sever!).name).supports(resolveSession(c.session!).kind, launches.get(c.launch!));
  return why === true ? implementationsDecline(c) : `sever "${c.sever}" cannot apply to session ${c.session} × launch ${c.launch} (${why})`;
}

/** The reason shared by every combination, when all of them can never run; else null. */
function allNeverRun(combos: readonly Combination[]): string | null {
  if (!combos.length) return null;
  const reasons = combos.map(neverRuns);
  return reasons.every(r => r !== null) ? reasons[0]! : null;
}

/**
 * Blocks and includes that ask only for cells that can never run. `includeWhere(b, i)` names the
 * scenario path of block b's include i (top-level includes are copied into every block).
 */
export function checkBlocks(blocks: readonly MatrixBlock[], blockWhere: (b: number) => string, includeWhere: (b: number, i: number) => string, fail: Fail): void {
  blocks.forEach((block, b) => {
    const combos = blockCombinations(block);
    if (!combos.length) fail(blockWhere(b), 'its excludes remove every cell; remove the block or narrow the excludes');
    // An include first: it is the more precise culprit when it made the block's only cells.
    block.include.forEach((inc: AxisPattern, i) => {
      const why = allNeverRun(combos.filter(c => matches(c, inc)));
      if (why) fail(includeWhere(b, i), `asks for a cell that can never run: ${why}; remove the entry or choose another launch, session or sever`);
    });
    const why = allNeverRun(combos);
    if (why) fail(blockWhere(b), `every cell can never run: ${why}; add a launch, session or sever that can`);
  });
}

/** An expectation on cells that are always not-applicable would fail or pass for no reason. */
export function checkExpectationCells(combos: readonly Combination[], where: CellPattern, verdicts: readonly string[], path: string, fail: Fail): void {
  if (verdicts.includes('not-applicable')) return;
  const why = allNeverRun(combos.filter(c => patternMatches(c as Record<AxisName, string>, where)));
  if (why) fail(path, `matches only cells that are always not-applicable: ${why}; expect verdict not-applicable, or change where`);
}

/**
 * The harness writes the keepalive axes first in its sshd drop-in and sshd keeps a keyword's first
 * value, so the same keyword in sshd.extra would be silently ignored.
 */
const SSHD_AXIS_KEYWORDS: Record<string, string> = {
  clientaliveinterval: 'the clientAlive axis (default: sshd.ClientAliveInterval)',
  clientalivecountmax: 'the clientAlive axis (default: sshd.ClientAliveCountMax)',
  tcpkeepalive: 'the tcpKeepAlive axis (default: sshd.TCPKeepAlive)',
};

export function checkSshdExtra(extra: readonly string[], fail: Fail): void {
  extra.forEach((line, i) => {
    const keyword = configLine(line)?.keyword ?? '';
    const axis = SSHD_AXIS_KEYWORDS[keyword];
    if (axis) fail(`sshd.extra[${i}]`, `"${line}": ${line.split(/\s/)[0]} is set by ${axis}, written before this line, and sshd keeps the first value; set it there and remove this line`);
  });
}

/** KillUserProcesses is an axis: a second value in the drop-in would contradict the cell's. */
export function checkLogindExtra(extra: readonly string[], fail: Fail): void {
  extra.forEach((line, i) => {
    if (/^KillUserProcesses=/i.test(line)) {
      fail(`logind.extra[${i}]`, `"${line}": KillUserProcesses is the killUserProcesses axis; set logind.KillUserProcesses (its default) or list it under axes:, and remove this line`);
    }
  });
}

/** Root logs in with the run's key: "no" and "forced-commands-only" would refuse every root cell. */
const ROOT_KEY_LOGIN = /^(yes|prohibit-password|without-password)$/i;

/**
 * Cells of user root need root's key login; the first PermitRootLogin sshd reads (sshd.extra, then
 * the user's own sshd_config) must allow it. `userFile.where` names the user's file as its other
 * messages do ("x.yaml: sshd.config FILE", "--sshd-config FILE").
 */
export function checkRootLogin(
  combos: readonly Combination[],
  extra: readonly string[],
  userFile: { where: string; value: string; line: number } | null,
  fail: Fail,
): void {
  if (!combos.some(c => c.user === 'root')) return;
  const fix = 'allow it (PermitRootLogin prohibit-password) or remove user root';
  const i = extra.findIndex(l => configLine(l)?.keyword === 'permitrootlogin');
  if (i >= 0) {
    const value = configLine(extra[i]!)!.value;
    if (!ROOT_KEY_LOGIN.test(value)) fail(`sshd.extra[${i}]`, `"${extra[i]}" refuses root's key login, which the cells of user root need; ${fix}`);
    return;
  }
  if (userFile && !ROOT_KEY_LOGIN.test(userFile.value)) {
    throw new BadInputError(`${userFile.where}: line ${userFile.line}: PermitRootLogin ${userFile.value} refuses root's key login, which the cells of user root need; ${fix}`);
  }
}
