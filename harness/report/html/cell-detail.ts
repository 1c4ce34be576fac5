// One cell's detail view: what happened on one time axis, the user's processes before and after,
// the probe's own log, checks, expectations and the server it ran on. Rendered for every cell, so
// the page answers "why this verdict?" for any of them without JavaScript (#cell-<id>).

import { AXIS_NAMES, psStat, type CellResult, type ProcessInfo, type RunResult } from '../../results.js';
import { describeSender } from '../../observe/sender.js';
import { repeatsText } from '../../expect/flaky.js';
import { isFailure } from '../../expect/judge.js';
import { axisValue, varyingAxes } from '../axes.js';
import { checkOutcome } from '../checks.js';
import { setupText } from '../setup.js';
import { configMismatches, fingerprintOneLiner } from '../fingerprint.js';
import { offset, seconds } from '../format.js';
import { caseLabel, reasonText, repeatedCases } from '../matrix-view.js';
import { repDetail } from '../flaky.js';
import { raceEntries } from '../rates.js';
import { senderText } from '../sender.js';
import { readsText, redirectText, stopsText, treeProcessText } from '../workload.js';
import { cellRef, glyph } from './cell-link.js';
import { cellAnchor, esc, scriptJson, serverAnchor } from './escape.js';

// ---- Timeline ----

interface Lane {
  label: string;
  colour: string;
  /** ms after the sever; null: it did not happen in the window */
  atMs: number | null;
  /** said next to the marker, after the time */
  note: string;
  /** said instead of a marker when atMs is null */
  missing: string;
}

/** The milestones in the order the question runs: sever → path → who noticed → what the probe felt. */
function lanes(cell: CellResult): Lane[] {
  const c = cell.clientEnd;
  const clientHow = c ? (c.exitSignal ? `killed by ${c.exitSignal}` : c.exitCode === null ? '' : `exit code ${c.exitCode}`) : '';
  return [
    { label: 'sever', colour: '#111', atMs: 0, note: cell.sever, missing: '' },
    { label: 'path broke', colour: '#6a1b9a', atMs: cell.pathBrokeMs, note: '', missing: 'never broke' },
    { label: 'server noticed', colour: '#1565c0', atMs: cell.sessionEndedMs, note: 'per-session sshd ended', missing: 'not in the window' },
    { label: 'client noticed', colour: '#00838f', atMs: c?.exitMs ?? null, note: clientHow, missing: c ? 'still running' : 'no client' },
    ...cell.probe.signalsCaught.map((s) => ({
      label: `caught ${s.signal.replace(/^SIG/, '')}`,
      colour: '#c62828',
      atMs: s.atMs,
      note: describeSender({ pid: s.senderPid, comm: s.senderComm, code: s.code, signal: s.signal, cgroup: s.cgroup }, cell.probe.pid),
      missing: '',
    })),
    { label: 'probe died', colour: '#b71c1c', atMs: cell.deathMs, note: cell.signal ?? '', missing: 'did not die' },
    ...cell.checks
      .filter((k) => k.atMs !== null)
      .map((k) => ({ label: `check ${k.name}`, colour: '#455a64', atMs: k.atMs, note: checkOutcome(k), missing: '' })),
  ];
}

/** A tick step of 1, 2 or 5 × 10^k ms giving about six ticks. */
function tickStep(spanMs: number): number {
  const raw = spanMs / 6;
  const pow = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
}

const W = 980;
const LABEL_W = 120;
const RIGHT = 24;
const ROW = 20;

/**
 * An SVG on a linear axis from the earliest to the latest milestone (the sever at 0 always in):
 * one row per milestone, so markers a few ms apart never hide each other's labels.
 */
export function timelineSvg(cell: CellResult): string {
  const ls = lanes(cell);
  const times = ls.map((l) => l.atMs).filter((t): t is number => t !== null);
  let lo = Math.min(0, ...times);
  let hi = Math.max(0, ...times);
  if (hi - lo < 100) hi = lo + 100;
  const pad = (hi - lo) * 0.03;
  lo -= pad;
  hi += pad;
  const x = (ms: number) => LABEL_W + ((ms - lo) / (hi - lo)) * (W - LABEL_W - RIGHT);
  const height = 28 + ls.length * ROW;
  const step = tickStep(hi - lo);
  const ticks: string[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) {
    const tx = x(t).toFixed(1);
    ticks.push(
      `<line x1="${tx}" x2="${tx}" y1="18" y2="${height - 4}" stroke="${t === 0 ? '#111' : '#e0e3e8'}"/>` +
        `<text x="${tx}" y="12" text-anchor="middle" fill="#5f6672">${esc(offset(t))}</text>`,
    );
  }
  const rows = ls.map((l, i) => {
    const y = 30 + i * ROW;
    const label = `<text x="4" y="${y + 4}" fill="${l.colour}">${esc(l.label)}</text>`;
    if (l.atMs === null) return `${label}<text x="${LABEL_W + 4}" y="${y + 4}" fill="#8a9099" font-style="italic">${esc(l.missing)}</text>`;
    const mx = x(l.atMs);
    const right = mx > LABEL_W + (W - LABEL_W) * 0.6;
    const text = [offset(l.atMs), l.note].filter((s) => s !== '').join(' · ');
    return (
      label +
      `<circle cx="${mx.toFixed(1)}" cy="${y}" r="5" fill="${l.colour}"/>` +
      `<text x="${(right ? mx - 9 : mx + 9).toFixed(1)}" y="${y + 4}" text-anchor="${right ? 'end' : 'start'}">${esc(text)}</text>`
    );
  });
  return (
    `<svg role="img" aria-label="timeline" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}">` +
    ticks.join('') +
    rows.join('') +
    '</svg>'
  );
}

// ---- Process trees ----

/** Linux x86/arm signal numbers 1–31: bit n-1 of a /proc mask is signal n. */
const SIGNAL_NAMES = [
  'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', 'STKFLT',
  'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS',
];

/** "0000000000000001" → ["HUP"]; real-time signals as "RT"; null when it is not hex. */
export function maskSignals(mask: string): string[] | null {
  if (!/^[0-9a-fA-F]{1,16}$/.test(mask)) return null;
  const bits = BigInt(`0x${mask}`);
  const names: string[] = [];
  for (let n = 1; n <= 64; n++) if ((bits >> BigInt(n - 1)) & 1n) names.push(SIGNAL_NAMES[n - 1] ?? `RT${n}`);
  return names;
}

function maskCell(mask: string): string {
  const names = maskSignals(mask);
  // HUP, TERM and PIPE are the signals this lab is about: say them, the rest is in the tooltip.
  const key = (names ?? []).filter((n) => n === 'HUP' || n === 'TERM' || n === 'PIPE');
  return `<td class="mono" title="${esc(names ? names.join(' ') || 'none' : 'not a mask')}">${esc(mask)}${key.length ? ` <b>${esc(key.join(' '))}</b>` : ''}</td>`;
}

/** Depth-first by ppid, children by pid; a ppid cycle (a corrupt file) cannot loop. */
export function processTree(procs: readonly ProcessInfo[]): { proc: ProcessInfo; depth: number }[] {
  const byPid = new Set(procs.map((p) => p.pid));
  const children = new Map<number, ProcessInfo[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const sorted = (list: readonly ProcessInfo[]) => [...list].sort((a, b) => a.pid - b.pid);
  const out: { proc: ProcessInfo; depth: number }[] = [];
  const seen = new Set<ProcessInfo>();
  const walk = (p: ProcessInfo, depth: number) => {
    if (seen.has(p)) return;
    seen.add(p);
    out.push({ proc: p, depth });
    for (const c of sorted(children.get(p.pid) ?? [])) if (c !== p) walk(c, depth + 1);
  };
  for (const root of sorted(procs.filter((p) => !byPid.has(p.ppid) || p.ppid === p.pid))) walk(root, 0);
  for (const p of sorted(procs)) walk(p, 0);
  return out;
}

const procKey = (p: ProcessInfo) => `${p.pid}:${p.startTime}`;

function processTable(cell: CellResult, procs: readonly ProcessInfo[], other: readonly ProcessInfo[], otherIs: 'after' | 'before'): string {
  if (!procs.length) return '<p class="muted">No processes of the user.</p>';
  const otherKeys = new Set(other.map(procKey));
  const rows = processTree(procs).map(({ proc: p, depth }) => {
    const classes = [
      p.pid === cell.probe.pid ? 'probe' : '',
      !otherKeys.has(procKey(p)) ? (otherIs === 'after' ? 'gone' : 'new') : '',
    ].filter(Boolean);
    const role = p.pid === cell.probe.pid ? ' (probe)' : p.pid === cell.sshdSession?.pid ? ' (session sshd)' : '';
    const indent = depth ? `${'  '.repeat(depth - 1)}└ ` : '';
    return (
      `<tr${classes.length ? ` class="${classes.join(' ')}"` : ''}>` +
      `<td class="pid mono">${esc(p.pid)}</td><td class="mono">${esc(p.ppid)}</td><td class="mono">${esc(p.pgid)}/${esc(p.sid)}</td>` +
      `<td class="mono">${esc(psStat(p) ?? p.state)}</td><td>${esc(p.uid)}</td>` +
      `<td class="args">${esc(indent)}<b>${esc(p.comm)}</b>${esc(role)}  ${esc(p.args)}</td>` +
      `<td class="mono">${esc(p.cgroup)}</td>${maskCell(p.sigIgn)}${maskCell(p.sigCgt)}</tr>`
    );
  });
  return (
    '<table class="ptree"><thead><tr><th>pid</th><th>ppid</th><th>pgid/sid</th><th title="as ps shows it: s leads its session, + is in the foreground group of its terminal">stat</th><th>uid</th>' +
    '<th>comm, args</th><th>cgroup</th><th>SigIgn</th><th>SigCgt</th></tr></thead><tbody>' +
    rows.join('') +
    '</tbody></table>'
  );
}

// ---- Facts, checks, expectations, server ----

function kv(rows: [string, string][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function facts(cell: CellResult): [string, string][] {
  const c = cell.clientEnd;
  const sender = senderText(cell);
  const signal = cell.signal
    ? `${esc(cell.signal)}${cell.signalEvidence ? ` (${esc(cell.signalEvidence)})` : ''}${sender ? ` from ${esc(sender)}` : ''}`
    : '—';
  const at = (ms: number | null, none: string) => (ms === null ? `<span class="muted">${esc(none)}</span>` : esc(offset(ms)));
  const client = c
    ? `${at(c.exitMs, 'still running')}${c.exitSignal ? ` · signal ${esc(c.exitSignal)}` : c.exitCode !== null ? ` · code ${esc(c.exitCode)}` : ''}` +
      (c.lastLines.length ? `<pre>${esc(c.lastLines.join('\n'))}</pre>` : '')
    : '<span class="muted">no client record</span>';
  return [
    ['verdict', `<span class="badge v-${esc(cell.verdict)}">${glyph(cell.verdict)} ${esc(cell.verdict)}</span>`],
    ['reason', esc(reasonText(cell.reason))],
    ['signal', signal],
    ['probe died', at(cell.deathMs, 'did not die in the window')],
    ['path broke', at(cell.pathBrokeMs, 'never')],
    ['server noticed (session ended)', at(cell.sessionEndedMs, 'not in the window')],
    ['client noticed (exited)', client],
    ['stdout write errors', cell.probe.stdoutErrors.length ? esc(cell.probe.stdoutErrors.join(', ')) : '—'],
    ['last heartbeat', at(cell.probe.lastHeartbeatMs, 'none')],
    ...workloadFacts(cell),
    ['probe', `pid ${esc(cell.probe.pid ?? '?')}${cell.probe.cgroup ? ` in <code>${esc(cell.probe.cgroup)}</code>` : ''}`],
    ['session sshd', cell.sshdSession ? `pid ${esc(cell.sshdSession.pid)} <code>${esc(cell.sshdSession.name)}</code>` : '—'],
    ['login user', esc(cell.loginUser)],
    ['setup', esc(setupText(cell) ?? (cell.setup.attempts === 0 ? 'none (judged before any login)' : 'one try'))],
    ['network path', esc(cell.networkPath)],
    ['sever layer · detectors', `${esc(cell.severLayer)} · ${esc(cell.detectors.join(', ') || '—')}`],
    ['watched', `${esc(seconds(cell.window.watchedMs))} (${esc(cell.window.endedBecause)})`],
    ['axes', esc(AXIS_NAMES.map((a) => `${a}=${axisValue(cell, a)}`).join(' · '))],
    ['cell · case', `<code>${esc(cell.id)}</code> · <code>${esc(cell.caseId)}</code> · rep ${esc(cell.rep)}`],
  ];
}

/** What the workload met (its redirect, its stops, its reads of stdin): rows only when there is something to say. */
function workloadFacts(cell: CellResult): [string, string][] {
  const p = cell.probe;
  const text = (v: string | null) => (v === null ? null : esc(v));
  const rows: [string, string | null][] = [
    ['stdin · stdout', p.stdin || p.stdout ? `<code>${esc(p.stdin ?? '?')}</code> · <code>${esc(p.stdout ?? '?')}</code>` : null],
    ['output', text(redirectText(cell))],
    ['stops', text(stopsText(cell))],
    ['reads of stdin', text(readsText(cell))],
    ['process tree', p.tree?.length ? `<ul>${p.tree.map(x => `<li>${esc(`${x.role} ${x.pid}: ${treeProcessText(x)}`)}</li>`).join('')}</ul>` : null],
  ];
  return rows.flatMap(([k, v]) => (v === null ? [] : [[k, v] as [string, string]]));
}

function checksBlock(cell: CellResult): string {
  if (!cell.checks.length) return '';
  const items = cell.checks.map((k) => {
    const o = checkOutcome(k);
    const cls = o === 'passed' ? 'pass' : o === 'failed' ? 'fail' : 'muted';
    return `<li><span class="${cls}">${esc(o)}</span> <b>${esc(k.name)}</b>${k.atMs === null ? '' : ` (${esc(offset(k.atMs))})`}: ${esc(reasonText(k.detail))}</li>`;
  });
  return `<h3>Checks</h3><ul>${items.join('')}</ul>`;
}

function expectationsBlock(result: RunResult, cell: CellResult): string {
  if (!cell.expectations.length) return '';
  const why = new Map(result.expectations.map((e) => [e.index, e.why]));
  const items = cell.expectations.map((o) => {
    const cls = isFailure(o, result.strict) ? 'fail' : o.status === 'met' ? 'pass' : 'muted';
    const reason = why.get(o.expectation);
    return `<li><span class="${cls}">${esc(o.status)}</span> expect[${esc(o.expectation)}]${reason ? ` (${esc(reason)})` : ''}: ${esc(o.detail)}</li>`;
  });
  return `<h3>Expectations</h3><ul>${items.join('')}</ul>`;
}

function serverBlock(result: RunResult, cell: CellResult): string {
  const fp = result.targets.find((t) => t.key === cell.serverKey);
  if (!fp) return `<h3>Server</h3><p class="muted">No fingerprint recorded for server ${esc(cell.serverKey)}.</p>`;
  const mismatches = configMismatches(fp).map((m) => `<li class="fail">config mismatch: ${esc(m)}</li>`);
  return (
    `<h3>Server</h3><p>${esc(fingerprintOneLiner(fp))} · <a href="${esc(`#${encodeURIComponent(serverAnchor(fp.key))}`)}">fingerprint</a></p>` +
    (mismatches.length ? `<ul>${mismatches.join('')}</ul>` : '')
  );
}

/**
 * "flaky: 3 killed, 2 survived over 5 repeats" on every repetition of a flaky case, then each
 * repetition with its outcome and reason, linked: one cell's verdict is only one of the answers,
 * and the heatmap's slot only has room for the commonest. A declared race says how often it
 * survived and why it races; a varying signal is said quietly.
 */
function repeatsNote(result: RunResult, cell: CellResult): string {
  const flaky = result.flaky.find((f) => f.caseId === cell.caseId);
  const race = flaky ? undefined : raceEntries(result).find((e) => e.entry.caseId === cell.caseId);
  const varies = flaky || race ? undefined : result.signalVaries.find((v) => v.caseId === cell.caseId);
  const entry = flaky ?? race?.entry ?? varies;
  if (!entry) return '';
  const byId = new Map(result.cells.map((c) => [c.id, c]));
  const reps = entry.cellIds
    .map((id) => byId.get(id))
    .filter((c): c is CellResult => c !== undefined)
    .map((c) => `<li>${cellRef(c, `r${c.rep}`)}${c.id === cell.id ? ' <b>(this one)</b>' : ''} ${esc(repDetail(c))}</li>`);
  const list = `<ul class="reps-list">${reps.join('')}</ul>`;
  if (race) {
    const text = `race: ${race.counts}${race.why.length ? ` — ${race.why.join('; ')}` : ''}`;
    return `<p class="race-note">${esc(text)} · <a href="#races">all races</a></p>${list}`;
  }
  const text = `${flaky ? 'flaky' : 'signal varies'}: ${repeatsText(flaky ?? varies!)}`;
  return `<p class="${flaky ? 'fail flaky-note' : 'muted'}">${esc(text)}${flaky ? ' · <a href="#flaky">all flaky cases</a>' : ''}</p>${list}`;
}

function recordingBlock(cell: CellResult): string {
  const rec = cell.recording;
  if (!rec) return '';
  const src = `rec-${cell.id}`;
  return (
    `<h3>Terminal (${esc(rec.width)}×${esc(rec.height)}, ${esc(rec.events.length)} events)</h3>` +
    `<div class="replay" data-src="${esc(src)}" hidden><button type="button" class="play">▶ play</button>` +
    `<button type="button" class="restart">⟲ restart</button> <span class="clock mono"></span><pre></pre></div>` +
    '<noscript><p class="muted">The terminal replay needs JavaScript.</p></noscript>' +
    `<script type="application/json" id="${esc(src)}">${scriptJson({ width: rec.width, height: rec.height, events: rec.events })}</script>`
  );
}

export function cellDetail(result: RunResult, cell: CellResult, repeated: Set<string> = repeatedCases(result.cells)): string {
  const title = [cell.target, caseLabel(cell, varyingAxes(result).filter((a) => a !== 'target'), ' / ', repeated.has(cell.caseId))].join(' · ');
  const timeline = cell.timeline.map((e) => `<tr><td class="mono">${esc(offset(e.atMs))}</td><td>${esc(e.event)}</td></tr>`);
  return (
    `<article class="detail" id="${esc(cellAnchor(cell.id))}" tabindex="-1" data-detail-for="${esc(cell.id)}">` +
    '<a class="close" href="#" title="close (Esc)">×</a>' +
    `<h2><span class="badge v-${esc(cell.verdict)}">${glyph(cell.verdict)} ${esc(cell.verdict)}</span> ${esc(title)}</h2>` +
    `<p>${esc(reasonText(cell.reason))}</p>` +
    repeatsNote(result, cell) +
    `<section class="timeline"><h3>Timeline (ms after the sever)</h3>${timelineSvg(cell)}` +
    (timeline.length
      ? `<details><summary>All ${esc(timeline.length)} events</summary><table>${timeline.join('')}</table></details>`
      : '') +
    '</section>' +
    `<div class="grid2"><section>${kv(facts(cell))}</section>` +
    `<section><h3>Probe log</h3><pre class="log">${esc(cell.probe.log.join('\n')) || '(empty)'}</pre>` +
    checksBlock(cell) +
    expectationsBlock(result, cell) +
    serverBlock(result, cell) +
    '</section></div>' +
    recordingBlock(cell) +
    `<section class="processes"><h3>Processes before the sever</h3>${processTable(cell, cell.before, cell.after, 'after')}` +
    `<h3>Processes when the window closed</h3>${processTable(cell, cell.after, cell.before, 'before')}` +
    '<p class="muted">Tree by ppid. Struck-through pid: gone by the end; "new": started after the sever. Masks: hex from /proc, the HUP/TERM/PIPE bits spelled out, all in the tooltip.</p></section>' +
    '</article>'
  );
}

