import { VERDICTS, type CellResult, type Check, type RunResult, type TargetFingerprint } from '../results.js';
import { axisPairs, fixedExtraAxes, varyingExtraAxes, networkPathInfos, pathLabel, splitAxes, varyingAxes } from './axes.js';
import { checkOutcome, checkSummaries, notPassing, type CheckSummary } from './checks.js';
import { setupText, setupSummary } from './setup.js';
import {
  cellsOnServer,
  configMismatches,
  configPairs,
  fingerprintRows,
  fingerprintsInOrder,
  serversWithoutFingerprint,
} from './fingerprint.js';
import { offset, oneLine, plural, seconds } from './format.js';
import { LATENCY_COLUMNS, caseReading, latencyRow, latencyTable, singleCasesText, type LatencyCase } from './latency.js';
import {
  slotOutcome,
  VERDICT_LEGEND,
  caseLabel,
  cellLabel,
  longSlotText,
  matrixViews,
  reasonText,
  repeatedCases,
  rowLabel,
  slotsInOrder,
  targetNames,
  viewTitle,
  type MatrixView,
  type Slot,
} from './matrix-view.js';
import { cellsOn, columnsNoun, compareViews, comparedCounts, differences, type CompareSlot, type CompareView } from './compare.js';
import { expectationRows, expectedText, failingCells, summaryText, whereText } from './expectations.js';
import { CLAIM_VERDICT_LEGEND, claimCounts, claimRows, claimWithSource } from './claims.js';
import {
  FLAKY_RULE,
  SIGNAL_VARIES_RULE,
  caseName,
  determinismChecked,
  flakyCaseIds,
  flakyEntries,
  flakyHeadline,
  repDetail,
  signalVariesEntries,
  type RepeatedEntry,
} from './flaky.js';
import { RACE_RULE, otherRatesLine, raceEntries } from './rates.js';
import { fatalCgroup, senderText } from './sender.js';
import { readsText, stopsText, treeText } from './workload.js';
import type { Reporter } from './types.js';

/** A bare `|` would end the table cell early, and a newline the whole row. */
export function escapeCell(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

function table(header: readonly string[], rows: string[][]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)];
}

// ---- Matrices and their details ----

/**
 * A flaky case's slot says so first: its counts alone could be read as a spread of times; so does
 * a declared race's, whose disagreement is the finding.
 */
function matrixTable(view: MatrixView, flaky: Set<string>, races: Set<string>): string[] {
  const mark = (slot: Slot | undefined) =>
    slot?.cells.some((c) => flaky.has(c.caseId)) ? '**flaky** · ' : slot?.cells.some((c) => races.has(c.caseId)) ? '**race** · ' : '';
  const text = (slot: Slot | undefined) => `${mark(slot)}${longSlotText(slot)}`;
  return table(
    ['session / launch / workload', ...view.severs],
    view.rows.map((row) => [rowLabel(row.key), ...row.slots.map(text)]),
  );
}

/** " from bash (pid 173) resending SIGHUP to its jobs", or nothing when no sender was recorded. */
function sender(cell: CellResult): string {
  const text = senderText(cell);
  return text ? ` from ${text}` : '';
}

function clientExit(cell: CellResult): string {
  const c = cell.clientEnd;
  if (!c) return 'no client record';
  if (c.exitMs === null) return 'client still running';
  const how = c.exitSignal ? `signal ${c.exitSignal}` : c.exitCode === null ? 'unknown status' : `code ${c.exitCode}`;
  return `client exited ${offset(c.exitMs)} (${how})`;
}

function timing(label: string, ms: number | null): string {
  return `${label} ${ms === null ? 'not seen' : offset(ms)}`;
}

function times(cell: CellResult): string {
  const pathBroke = cell.pathBrokeMs === null ? [] : [timing('path broke', cell.pathBrokeMs)];
  return [...pathBroke, timing('session ended', cell.sessionEndedMs), timing('probe died', cell.deathMs), clientExit(cell)].join(', ');
}

function killedDetail(cell: CellResult): string {
  const evidence = cell.signalEvidence ? ` (${cell.signalEvidence})` : '';
  const cgroup = fatalCgroup(cell);
  const where = cgroup ? `, probe in ${cgroup}` : '';
  return `killed by ${cell.signal ?? 'an unknown signal'}${evidence}${sender(cell)}${where}; ${times(cell)}`;
}

/** What each write error means for a probe: EIO is the hung-up terminal, EPIPE a gone reader. */
const WRITE_ERROR_GLOSS: Readonly<Record<string, string>> = {
  EIO: 'writes to the hung-up terminal failed',
  EPIPE: 'the reader of its output is gone',
};

function stdoutErrors(cell: CellResult): string | null {
  const errors = cell.probe.stdoutErrors;
  if (!errors.length) return null;
  const glossed = errors.map((e) => (WRITE_ERROR_GLOSS[e] ? `${e} (${WRITE_ERROR_GLOSS[e]})` : e));
  return `stdout write errors: ${glossed.join(', ')}`;
}

function checkText(check: Check): string {
  const at = check.atMs === null ? '' : ` (${offset(check.atMs)})`;
  return `check ${check.name} ${checkOutcome(check)}${at}: ${reasonText(check.detail)}`;
}

const EXPLAINED = new Set(['not-applicable', 'inconclusive', 'session-open', 'exited']);

/**
 * A cell's bullet: why it is not a plain survivor (who killed it, or the reason), and anything a
 * survivor has to say (failed writes, checks that did not pass, a network path other than the
 * usual one, which the matrix cannot show). Plain survivors get none.
 */
function detail(cell: CellResult, repeated: boolean, paths: UsualPath | null): string | null {
  const extras = [
    stdoutErrors(cell),
    stopsText(cell),
    readsText(cell),
    treeText(cell),
    ...notPassing([cell]).map(checkText),
    paths !== null && cell.networkPath !== paths.usual ? `network path ${paths.label(cell.networkPath)}` : null,
    setupText(cell),
  ].filter((e): e is string => e !== null);
  let head: string;
  if (cell.verdict === 'killed') head = killedDetail(cell);
  else if (EXPLAINED.has(cell.verdict)) head = `${cell.verdict}: ${reasonText(cell.reason)}`;
  else if (extras.length) head = cell.verdict;
  else return null;
  return `- **${cellLabel(cell, ' / ', repeated)}**: ${[head, ...extras].join('; ')}`;
}

function details(slots: Slot[], repeated: Set<string>, paths: UsualPath | null): string[] {
  const bullets = slots
    .flatMap((slot) => slot.cells.map((c) => detail(c, repeated.has(c.caseId), paths)))
    .filter((d): d is string => d !== null);
  return bullets.length ? ['#### Details', '', ...bullets] : [];
}

interface UsualPath {
  /** the most used path, which goes without saying */
  usual: string;
  /** a path's short name (its kind, numbered if need be); the header spells each one out */
  label: (path: string) => string;
}

/** With several paths in use, the most used one goes without saying and the others are named. */
function usualPath(result: RunResult): UsualPath | null {
  const infos = networkPathInfos(result);
  if (infos.length < 2) return null;
  return { usual: infos[0]!.path, label: (path) => pathLabel(result, path) };
}

function targetSection(result: RunResult, target: string): string[] {
  const repeated = repeatedCases(result.cells);
  const usual = usualPath(result);
  const views = matrixViews(result, target);
  const flaky = flakyCaseIds(result);
  const races = new Set(raceEntries(result).map((e) => e.entry.caseId));
  const blocks = views.flatMap((view) => {
    const title = viewTitle(view, false);
    return [[`### Matrix${title ? `: ${title}` : ''}`], matrixTable(view, flaky, races), details(slotsInOrder(view), repeated, usual)];
  });
  return [[`## ${target}`], ...(views.length ? blocks : [['_No cells ran on this target._']])]
    .filter((b) => b.length)
    .map((b) => b.join('\n'));
}

// ---- Run-wide sections ----

/** Failing cells first: in CI this is the one thing the reader came for. */
function expectationsSection(result: RunResult): string[] {
  if (!result.expectations.length) return [];
  const failing = failingCells(result);
  const repeated = repeatedCases(result.cells);
  const failBlock = failing.length
    ? [
        `### Failing cells (${failing.length})`,
        '',
        ...failing.flatMap(({ cell, lines }) => [
          `- **${escapeCell(cell.target)} · ${escapeCell(caseLabel(cell, varyingExtraAxes(result), ' / ', repeated.has(cell.caseId)))}** (cell \`${cell.id}\`)`,
          ...lines.map((l) => `  - ${oneLine(l)}`),
        ]),
      ]
    : [];
  const rows = expectationRows(result).map((r) => [
    `expect[${r.expectation.index}]`,
    whereText(r.expectation),
    expectedText(r.expectation),
    String(r.met),
    String(r.failed),
    String(r.unjudged),
    String(r.notApplicable),
    r.expectation.why || '—',
  ]);
  return [
    ['## Expectations', '', `**${summaryText(result)}**${result.strict ? ' (strict: an inconclusive cell fails)' : ''}`].join('\n'),
    ...(failBlock.length ? [failBlock.join('\n')] : []),
    table(['#', 'where', 'expected', 'met', 'failed', 'unjudged', 'n/a', 'why'], rows).join('\n'),
  ];
}

/** A case with its counts, then each repetition: outcome, sender, reason. */
function repeatedEntry(result: RunResult, e: RepeatedEntry<{ caseId: string }>): string[] {
  return [
    `- **${escapeCell(caseName(result, e.cells[0]!))}** (case \`${e.entry.caseId}\`): ${e.counts}${e.rate ? `; ${e.rate}` : ''}`,
    ...e.cells.map((c) => `  - rep ${c.rep} (\`${c.id}\`): ${escapeCell(repDetail(c))}`),
  ];
}

/**
 * After the failing expectations, because a flaky case fails the run as they do: every case whose
 * repetitions disagreed, then those whose signal alone varied. Only when some case ran more than
 * once; then "none" is a finding too.
 */
function flakySection(result: RunResult): string[] {
  if (!determinismChecked(result)) return [];
  const flaky = flakyEntries(result);
  const varies = signalVariesEntries(result);
  const head = flaky.length ? `**${flakyHeadline(result)}** ${FLAKY_RULE}` : flakyHeadline(result);
  const others = otherRatesLine(result);
  return [
    [`## Flaky`, '', head, ...(others ? ['', `Repeated cases: ${others}.`] : [])].join('\n'),
    ...(flaky.length ? [flaky.flatMap((e) => repeatedEntry(result, e)).join('\n')] : []),
    ...(varies.length
      ? [['### Signal varies (not failing)', '', SIGNAL_VARIES_RULE, '', ...varies.flatMap((e) => repeatedEntry(result, e))].join('\n')]
      : []),
  ];
}

/**
 * After Flaky, as they do not fail the run: every declared race that ran more than once, with how
 * often it survived, why it races, and each repetition.
 */
function racesSection(result: RunResult): string[] {
  const races = raceEntries(result);
  if (!races.length) return [];
  const entry = (e: (typeof races)[number]) => {
    const [head, ...reps] = repeatedEntry(result, e);
    const flaky = e.flaky ? ' — **flaky**: a repetition was not judged (see Flaky)' : '';
    return [head + flaky, ...e.why.map((w) => `  - why: ${escapeCell(w)}`), ...reps];
  };
  return [['## Races', '', RACE_RULE].join('\n'), races.flatMap(entry).join('\n')];
}

function compareSlotText(slot: CompareSlot | undefined, targets: readonly string[]): string {
  if (!slot) return '—';
  if (!slot.differs) return slotOutcome(slot.byColumn.find((s) => s !== undefined), 'long');
  return (
    '**≠** ' +
    slot.byColumn.map((s, i) => `${targets[i]}: ${s ? slotOutcome(s, 'long') : '—'}`).join('<br>')
  );
}

function compareTable(view: CompareView, short: readonly string[]): string[] {
  // escapeCell would escape the <br> tags' neighbours only; the HTML itself must stay.
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(['session / launch / workload', ...view.severs.map(escapeCell)]),
    `|${['', ...view.severs].map(() => '---').join('|')}|`,
    ...view.rows.map((row) => line([escapeCell(rowLabel(row.key)), ...row.slots.map((s) => compareSlotText(s, short).split('<br>').map(escapeCell).join('<br>'))])),
  ];
}

/** The article's claims: verdict, condition, evidence cells (linked into report.html's detail views). */
function claimsSection(result: RunResult): string[] {
  if (!result.claims) return [];
  const rows = claimRows(result).map(({ outcome: o, evidence }) => [
    o.claim.id,
    claimWithSource(o.claim, result),
    `**${o.verdict}**`,
    o.condition,
    o.claim.explain || '—',
    evidence.slice(0, 8).map((id) => `[${id}](report.html#cell-${id})`).join(' ') + (evidence.length > 8 ? ` +${evidence.length - 8}` : ''),
  ]);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const untestable = result.claims.untestable.map((u) => `- ${escapeCell(u.claim)} — not tested: ${escapeCell(u.why)}`);
  return [
    [`## Claims of ${escapeCell(result.claims.article)}: ${escapeCell(result.claims.title)}`, '', claimCounts(result)].join('\n'),
    [
      line(['#', 'claim (paraphrased)', 'verdict', 'when', 'what was measured', 'evidence cells']),
      '|---|---|---|---|---|---|',
      // The verdict and the links are markup of ours; everything else is text from the file.
      ...rows.map((r) => line(r.map((c, i) => (i === 2 || i === 5 ? c : escapeCell(c))))),
    ].join('\n'),
    ...(untestable.length ? [['Not testable by this harness:', ...untestable].join('\n')] : []),
    Object.entries(CLAIM_VERDICT_LEGEND).map(([v, t]) => `- **${v}**: ${t}`).join('\n'),
  ];
}

/** The stacks (targets, or servers and clients) side by side, differing cases marked ≠ and listed with their evidence. */
function acrossTargetsSection(result: RunResult): string[] {
  const views = compareViews(result);
  if (!views.length) return [];
  const targets = views[0]!.columns;
  const { compared, differ } = comparedCounts(views);
  const diffs = differences(views);
  const diffList = diffs.flatMap((d) => [
    `- **${escapeCell(rowLabel(d.key))} × ${escapeCell(d.sever)}**${d.combo.length ? ` · ${escapeCell(axisPairs(d.combo))}` : ''}`,
    ...targets.map((t, i) => {
      const cells = cellsOn(d.slot, i);
      if (!cells.length) return `  - ${t}: not run`;
      return `  - ${t}: ${cells.map((c) => `${outcomeWords(c)}`).join('; ')}`;
    }),
  ]);
  return [
    [
      `## Across ${columnsNoun(views[0]!).many}: ${targets.join(' · ')}`,
      '',
      `${differ} of ${plural(compared, 'case')} run on more than one ${columnsNoun(views[0]!).one} differ${differ === 1 ? 's' : ''} (marked **≠**; verdict and signal compared, not times).`,
    ].join('\n'),
    ...views.map((v) => [...(v.combo.length ? [`### ${axisPairs(v.combo)}`, ''] : []), ...compareTable(v, targets)].join('\n')),
    ...(diffList.length ? [['### Differences', '', ...diffList].join('\n')] : []),
  ];
}

/** One cell's outcome with its evidence, for the Differences list. */
function outcomeWords(cell: CellResult): string {
  const base = cell.verdict === 'killed' ? `killed ${cell.signal ?? ''}${sender(cell)}` : cell.verdict;
  const when = cell.deathMs !== null ? ` at ${offset(cell.deathMs)}` : '';
  const ended = cell.sessionEndedMs !== null ? `, sshd ended the session at ${offset(cell.sessionEndedMs)}` : ', session still open';
  return `${base}${when}${ended}${cell.verdict === 'inconclusive' || cell.verdict === 'not-applicable' ? ` (${reasonText(cell.reason)})` : ''}`;
}

function latencySection(result: RunResult): string[] {
  const lt = latencyTable(result);
  const single = singleCasesText(result, lt, 'the matrices and Details have their outcomes and times');
  if (!lt.cases.length) return single ? [['## Detection latency'], [single]].map((b) => b.join('\n')) : [];
  const intro =
    'From the moment the network path broke to the moment each side noticed: the server when the per-session ' +
    'sshd ended, the client when the local ssh exited. Only cases that ran more than once are listed; min / median / max ' +
    'over their repetitions. "Path broke" counts the repetitions in which the path actually broke (a NAT flow kept ' +
    'alive by traffic never does): the times are over those; "none" counts the ones of those in which that side ' +
    'had not noticed when the window closed. Predicted: Interval × CountMax (the man pages) / (CountMax + 1) × ' +
    'Interval, from ClientAlive for the server and ServerAlive for the client; a client put to sleep cannot notice ' +
    'anything before it wakes, so it has no prediction.';
  const common = lt.common.length ? [`All cases below: ${axisPairs(lt.common)}.`] : [];
  const label = (c: LatencyCase) =>
    `${caseLabel(c.cells[0]!, lt.labelAxes)}, ClientAlive ${c.server.setting}, ServerAlive ${c.client.setting}`;
  const readings = lt.cases.map((c) => `- **${label(c)}**: ${caseReading(c)}`);
  return [
    ['## Detection latency'],
    [intro],
    ...(single ? [[single]] : []),
    ...(common.length ? [common] : []),
    table(LATENCY_COLUMNS, lt.cases.map((c) => latencyRow(c, lt.labelAxes))),
    readings,
  ].map((b) => b.join('\n'));
}

/** Each check's cells are named by the axes that vary among them; the others are said once. */
function checkBlock(s: CheckSummary, result: RunResult): string[] {
  const repeated = repeatedCases(result.cells);
  const { varying, common } = splitAxes(
    s.entries.map((e) => e.cell),
    varyingAxes(result),
  );
  return [
    `### ${s.name}`,
    '',
    ...(common.length ? [`All: ${axisPairs(common)}.`, ''] : []),
    ...s.entries.map(({ cell, check }) => {
      const at = check.atMs === null ? '' : ` (${offset(check.atMs)})`;
      const label = caseLabel(cell, varying, ' / ', repeated.has(cell.caseId));
      return `- ${checkOutcome(check)}: **${label}**${at}: ${reasonText(check.detail)}`;
    }),
  ];
}

function checksSection(result: RunResult): string[] {
  const summaries = checkSummaries(result);
  if (!summaries.length) return [];
  const counts = table(
    ['check', 'passed', 'failed', 'unknown'],
    summaries.map((s) => [s.name, String(s.passed), String(s.failed), String(s.unknown)]),
  );
  return [['## Checks'], counts, ...summaries.map((s) => checkBlock(s, result))].map((b) => b.join('\n'));
}


/** Rows that are not facts about a configuration: never folded into "common to all". */
const OWN_ROWS = new Set(['Key', 'Cells', 'Network paths of its cells']);

function sshdLines(fp: TargetFingerprint): string[] {
  return Object.entries(fp.sshdEffective).map(([k, v]) => `${k} ${v}`);
}

function sshdBlock(lines: string[], what: string): string[] {
  return lines.length ? ['', `${what}:`, '', '```', ...lines, '```'] : [];
}

/**
 * One block per server. With several, what they all share (image, versions, most of sshd -T) is
 * one block of its own, and each server's block keeps only what tells it apart: eight copies of
 * the same thirty lines would hide the few that differ.
 */
function fingerprintBlock(result: RunResult, fp: TargetFingerprint, shared: Set<string> = new Set(), sharedSshd: Set<string> = new Set()): string[] {
  const rows = table(
    ['Setting', 'Value'],
    fingerprintRows(result, fp).filter(([k, v]) => !shared.has(JSON.stringify([k, v]))),
  );
  const sshd = sshdLines(fp).filter((l) => !sharedSshd.has(l));
  const effective =
    sshd.length || sharedSshd.size
      ? sshdBlock(sshd, sharedSshd.size ? 'Effective `sshd -T` lines of its own' : 'Effective `sshd -T` (selected lines)')
      : ['', '_No `sshd -T` lines recorded._'];
  const mismatches = configMismatches(fp).map((m) => `- **Config mismatch**: ${m}`);
  return [
    `### ${fp.name} · ${axisPairs(configPairs(fp))}`,
    '',
    ...rows,
    ...effective,
    ...(mismatches.length ? ['', ...mismatches] : []),
  ];
}

function serversSection(result: RunResult): string[] {
  const missing = serversWithoutFingerprint(result).map((k) => `_No fingerprint recorded for server ${k}._`);
  const fps = fingerprintsInOrder(result);
  if (fps.length < 2) return ['## Servers', ...fps.map((fp) => fingerprintBlock(result, fp).join('\n')), ...missing];
  const everywhere = <T,>(lists: T[][]): T[] => lists[0]!.filter((x) => lists.every((l) => l.includes(x)));
  const sharedRows = everywhere(fps.map((fp) => fingerprintRows(result, fp).filter(([k]) => !OWN_ROWS.has(k)).map((r) => JSON.stringify(r))));
  const sharedSshd = everywhere(fps.map(sshdLines));
  const common = [
    `### Common to all ${fps.length} servers`,
    '',
    ...table(['Setting', 'Value'], sharedRows.map((r) => JSON.parse(r) as string[])),
    ...sshdBlock(sharedSshd, 'Effective `sshd -T` (selected lines)'),
  ];
  const blocks = fps.map((fp) => fingerprintBlock(result, fp, new Set(sharedRows), new Set(sharedSshd)).join('\n'));
  return ['## Servers', common.join('\n'), ...blocks, ...missing];
}

function legend(result: RunResult): string[] {
  return [
    '## Legend',
    [
      ...VERDICTS.map((v) => `- **${v}**: ${VERDICT_LEGEND[v]}`),
      '- **2× survived / 1× killed SIGHUP**: the case ran several times and the repetitions disagreed; every outcome is shown with its count, never merged.',
      '- **flaky**: the repetitions disagreed on the verdict (not only the signal or the time); the run fails, see Flaky.',
      ...(raceEntries(result).length ? ['- **race**: the scenario declares the case to race in the system under test; how often it survived is in Races.'] : []),
      '- **· reattach failed**, **· nap unknown**: a check the cell asked did not pass or could not be answered; see Checks.',
    ].join('\n'),
  ];
}

/** "Network path: …", or with several a list with each path's short name, as Details use it. */
function pathsBlock(result: RunResult): string[] {
  const infos = networkPathInfos(result);
  if (infos.length === 0) return [];
  if (infos.length === 1) return [`Network path: ${infos[0]!.path}`];
  return [
    `Network paths (Details name the path of every cell not on ${infos[0]!.label}):`,
    ...infos.map((p) => `- **${p.label}** (${plural(p.cells, 'cell')})${p.description ? `: ${p.description}` : ''}`),
  ];
}

/** Whose sshd config ran, and what the harness put in front of it. */
export function sshdConfigLine(c: NonNullable<RunResult['sshdConfig']>): string {
  return (
    `sshd config: \`${escapeCell(c.file)}\` (${c.lines} lines, sha256 ${c.sha256.slice(0, 12)}${c.matchBlocks ? `, ${plural(c.matchBlocks, 'Match block')}: they may override the global values for some connections` : ''}), ` +
    'after the harness drop-in (the cell keepalive values, MaxStartups, LogLevel VERBOSE, PasswordAuthentication no, and a PerSourcePenalties exemption for its own subnet where sshd has them; in sshd the first value wins)'
  );
}

function header(result: RunResult): string[] {
  const facts = [
    `Started ${result.startedAt}`,
    `took ${seconds(result.durationMs)}`,
    plural(result.cells.length, 'cell'),
    ...(result.repeat > 1 ? [`${result.repeat} repeats per case`] : []),
    ...(result.shard ? [`shard ${result.shard.index}/${result.shard.count} of ${result.plan.length} cells`] : []),
    `${result.tool.name} ${result.tool.version}`,
  ];
  const description = oneLine(result.scenario.description);
  const fixed = fixedExtraAxes(result);
  const paths = pathsBlock(result);
  return [
    `# hangup-lab: ${oneLine(result.scenario.name)}`,
    facts.join(' · '),
    ...(description ? [description] : []),
    ...(fixed.length ? [`Fixed: ${axisPairs(fixed)}`] : []),
    ...(result.sshdConfig ? [sshdConfigLine(result.sshdConfig)] : []),
    ...(paths.length ? [paths.join('\n')] : []),
    ...((line: string | null) => (line ? [`Setup: ${line}.`] : []))(setupSummary(result)),
  ];
}

export const markdown: Reporter = {
  name: 'markdown',
  fileName: 'report.md',
  summary: 'a Markdown report (matrices, details, detection latency, checks, servers) to paste into a PR or issue',
  render(result) {
    const blocks = [
      ...header(result),
      ...expectationsSection(result),
      ...flakySection(result),
      ...racesSection(result),
      ...claimsSection(result),
      ...acrossTargetsSection(result),
      ...targetNames(result).flatMap((t) => targetSection(result, t)),
      ...latencySection(result),
      ...checksSection(result),
      ...serversSection(result),
      ...legend(result),
    ];
    return blocks.join('\n\n') + '\n';
  },
};
