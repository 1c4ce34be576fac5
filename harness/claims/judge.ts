// Claims of the source articles as executable checks. A claim names the cells that test it and
// what outcome in a cell would confirm it; its verdict is a pure function of the cells, like an
// expectation's, so every report (and `merge`) computes the same answer from results.json.
import { patternMatches } from '../expect/judge.js';
import { AXIS_NAMES, psStat, type AxisName, type CellResult, type Claim, type Confirms, type RunResult } from '../results.js';

// A claims file's claims are saved in results.json (`claims`), so their shapes live with the
// results contract; re-exported for the modules that judge and load them.
export type { Claim, ClaimSet, Confirms, UntestableClaim } from '../results.js';

export type ClaimVerdict = 'CONFIRMED' | 'REFUTED' | 'CONDITIONAL' | 'UNDECIDED';

/** An evidence case whose judged repetitions disagree: the claim held in some runs of it only. */
export interface ClaimRate {
  caseId: string;
  /** judged repetitions that confirm, of all judged repetitions */
  confirmed: number;
  runs: number;
  /** its judged repetitions, in rep order */
  cellIds: string[];
}

export interface ClaimOutcome {
  claim: Claim;
  verdict: ClaimVerdict;
  /** for CONDITIONAL: when it holds, in axis terms ("true when session=pty") and as a rate where runs disagree; else a summary */
  condition: string;
  /** the judged cells that confirm and that do not, by id (the evidence links); every repetition counts */
  confirming: string[];
  contradicting: string[];
  /** evidence cells that could not be judged (inconclusive / not-applicable / a named check unanswered) */
  unjudged: string[];
  /** evidence cases whose repetitions disagree; a claim with one is never CONFIRMED or REFUTED */
  rates: ClaimRate[];
}

/** Does this cell show what the claim says? Each criterion that is set must hold. */
export function confirmsIn(cell: CellResult, c: Confirms): boolean {
  if (c.verdict && !c.verdict.includes(cell.verdict)) return false;
  if (c.signal !== undefined && cell.signal !== c.signal) return false;
  if (c.sender !== undefined && !new RegExp(c.sender).test(cell.signalSender?.comm ?? '')) return false;
  if (c.sessionEnded !== undefined && (cell.sessionEndedMs !== null) !== c.sessionEnded) return false;
  if (c.clientExited !== undefined && (cell.clientEnd?.exitMs != null) !== c.clientExited) return false;
  if (c.pathBroke !== undefined && (cell.pathBrokeMs !== null) !== c.pathBroke) return false;
  if (c.clientNoticedS) {
    const exit = cell.clientEnd?.exitMs;
    if (exit == null || cell.pathBrokeMs === null) return false;
    const s = (exit - cell.pathBrokeMs) / 1000;
    if (s < c.clientNoticedS[0] || s > c.clientNoticedS[1]) return false;
  }
  for (const [name, want] of Object.entries(c.checks ?? {})) {
    const got = cell.checks.find(k => k.name === name);
    if (!got || got.ok !== want) return false;
  }
  if (c.probeState !== undefined) {
    const probe = cell.after.find(p => p.pid === cell.probe.pid);
    const stat = probe ? psStat(probe) : null;
    if (stat === null || !new RegExp(`^(?:${c.probeState})$`).test(stat)) return false;
  }
  if (c.childrenKilled !== undefined) {
    const children = cell.probe.tree?.filter(p => p.role === 'child');
    if (!children) return false;
    // A child of unknown fate may have been killed: "none killed" needs every fate known.
    const killed = children.some(p => p.fate === 'killed');
    if (killed !== c.childrenKilled || (!killed && children.some(p => p.fate === 'unknown'))) return false;
  }
  if (c.stdout !== undefined && !new RegExp(c.stdout).test(cell.probe.stdout ?? '')) return false;
  if (c.outputFailed !== undefined && (cell.probe.stdoutErrors ?? []).length > 0 !== c.outputFailed) return false;
  return true;
}

/**
 * A cell that would confirm the claim but for a named check that went unanswered (`ok: null`, or
 * never asked), a probe state that results written before tpgid was recorded cannot tell, a tree
 * child nobody saw end, or a stdout the probe did not name: it cannot be read either way. A check
 * that could not be answered under load (no new session, no answer from systemd within its bound)
 * is no evidence against a claim.
 */
export function checkUnanswered(cell: CellResult, c: Confirms): boolean {
  const named = Object.keys(c.checks ?? {});
  const unanswered = named.filter(n => (cell.checks.find(k => k.name === n)?.ok ?? null) === null);
  // A probe in the last snapshot of results that did not record tpgid: its `+` cannot be told.
  const probe = c.probeState === undefined ? undefined : cell.after.find(p => p.pid === cell.probe.pid);
  const stateUnknown = probe !== undefined && psStat(probe) === null;
  // A tree none of whose children was seen killed, but one of which nobody saw end.
  const children = c.childrenKilled === undefined ? undefined : cell.probe.tree?.filter(p => p.role === 'child');
  const treeUnknown = !!children && !children.some(p => p.fate === 'killed') && children.some(p => p.fate === 'unknown');
  // A probe whose start line named no stdout (results older than the workloads): nothing to match.
  const stdoutUnknown = c.stdout !== undefined && (cell.probe.stdout ?? null) === null;
  if (!unanswered.length && !stateUnknown && !treeUnknown && !stdoutUnknown) return false;
  const answered = Object.fromEntries(named.filter(n => !unanswered.includes(n)).map(n => [n, c.checks![n]!]));
  const { probeState, childrenKilled, stdout, ...rest } = c;
  const known = { ...(stateUnknown ? {} : { probeState }), ...(treeUnknown ? {} : { childrenKilled }), ...(stdoutUnknown ? {} : { stdout }) };
  return confirmsIn(cell, { ...rest, ...known, checks: answered });
}

/**
 * The axes (and their values) under which a mixed claim holds. One axis that separates confirming
 * from contradicting cells is the clearest statement ("true when workload=chatty"); else a pair;
 * else the confirming combinations of the varying axes are listed.
 */
export function conditionText(yes: CellResult[], no: CellResult[], describeTarget: (t: string) => string = t => t): string {
  const all = [...yes, ...no];
  const varying: AxisName[] = AXIS_NAMES.filter(a => new Set(all.map(c => String(c[a]))).size > 1);
  const label = (a: AxisName, v: string) => (a === 'target' ? `target=${describeTarget(v)}` : `${a}=${v}`);
  const separates = (axes: AxisName[]) => {
    const key = (c: CellResult) => axes.map(a => String(c[a])).join('\u0000');
    const yesKeys = new Set(yes.map(key));
    return no.every(c => !yesKeys.has(key(c))) ? [...yesKeys] : null;
  };
  const noKeysOf = (axes: AxisName[]) => [...new Set(no.map(c => axes.map(a => String(c[a])).join('\u0000')))];
  for (const a of varying) {
    const keys = separates([a]);
    if (keys) return `true only when ${a === 'target' ? 'target is ' : `${a} is `}${keys.map(k => (a === 'target' ? describeTarget(k) : k)).join(' or ')}`;
  }
  for (let i = 0; i < varying.length; i++) {
    for (let j = i + 1; j < varying.length; j++) {
      const pair = [varying[i]!, varying[j]!];
      const keys = separates(pair);
      if (keys) {
        // Whichever side is shorter to state: "true only for …" or "false only for …".
        const noKeys = noKeysOf(pair);
        const text = (ks: string[]) => ks.map(k => k.split('\u0000').map((v, n) => label(pair[n]!, v)).join(' + ')).join('; ');
        return noKeys.length < keys.length ? `false only for ${text(noKeys)}` : `true only for ${text(keys)}`;
      }
    }
  }
  const combos = [...new Set(yes.map(c => varying.map(a => label(a, String(c[a]))).join(' + ')))];
  return `true in ${yes.length} of ${all.length} cells: ${combos.slice(0, 6).join('; ')}${combos.length > 6 ? '; …' : ''}`;
}

/** The judged evidence of a claim, by case: every repetition of a case is one observation of it. */
export interface EvidenceCase {
  caseId: string;
  /** its judged repetitions, in rep order */
  reps: CellResult[];
  confirmed: number;
}

export function evidenceCases(claim: Claim, cells: readonly CellResult[]): { cases: EvidenceCase[]; evidence: CellResult[]; judged: CellResult[] } {
  const evidence = cells.filter(c => patternMatches(c, claim.where));
  const judged = evidence.filter(c => c.verdict !== 'inconclusive' && c.verdict !== 'not-applicable' && !checkUnanswered(c, claim.confirms));
  const byCase = new Map<string, CellResult[]>();
  for (const c of judged) byCase.set(c.caseId, [...(byCase.get(c.caseId) ?? []), c]);
  const cases = [...byCase].map(([caseId, reps]) => {
    const sorted = [...reps].sort((a, b) => a.rep - b.rep);
    return { caseId, reps: sorted, confirmed: sorted.filter(c => confirmsIn(c, claim.confirms)).length };
  });
  return { cases, evidence, judged };
}

/** The axis values that tell evidence cases apart ("launch=tmux + sever=drop"), for a rate's text. */
function caseLabel(rep: CellResult, all: readonly CellResult[], describeTarget: (t: string) => string): string {
  const varying = AXIS_NAMES.filter(a => new Set(all.map(c => String(c[a]))).size > 1);
  const parts = varying.map(a => `${a}=${a === 'target' ? describeTarget(String(rep[a])) : String(rep[a])}`);
  return parts.length ? parts.join(' + ') : `cell ${rep.caseId}`;
}

/** "confirmed in 2 of 3 runs of launch=systemd-unit + sever=drop" (at most three listed). */
function rateText(mixed: EvidenceCase[], all: readonly CellResult[], describeTarget: (t: string) => string): string {
  const shown = mixed.slice(0, 3).map(m => `confirmed in ${m.confirmed} of ${m.reps.length} runs of ${caseLabel(m.reps[0]!, all, describeTarget)}`);
  return shown.join('; ') + (mixed.length > 3 ? `; and ${mixed.length - 3} more cells whose runs disagree` : '');
}

/**
 * A claim's verdict from its evidence cells, repetitions included. A case is one set of axis values;
 * its repetitions are several observations of it. A case whose repetitions agree counts once, on
 * its side; a case whose repetitions disagree makes the claim CONDITIONAL with the rate stated
 * ("confirmed in 2 of 3 runs of …"): one run of it cannot confirm or refute the claim.
 */
export function judgeClaim(claim: Claim, cells: readonly CellResult[], describeTarget: (t: string) => string = t => t): ClaimOutcome {
  const { cases, evidence, judged } = evidenceCases(claim, cells);
  const yesCases = cases.filter(c => c.confirmed === c.reps.length);
  const noCases = cases.filter(c => c.confirmed === 0);
  const mixed = cases.filter(c => c.confirmed > 0 && c.confirmed < c.reps.length);
  const base = {
    claim,
    confirming: judged.filter(c => confirmsIn(c, claim.confirms)).map(c => c.id),
    contradicting: judged.filter(c => !confirmsIn(c, claim.confirms)).map(c => c.id),
    unjudged: evidence.filter(c => !judged.includes(c)).map(c => c.id),
    rates: mixed.map(m => ({ caseId: m.caseId, confirmed: m.confirmed, runs: m.reps.length, cellIds: m.reps.map(c => c.id) })),
  };
  // "all 4 judged cells" for single runs; "(9 runs)" when some case was observed more than once.
  const runs = (cs: EvidenceCase[]) => {
    const n = cs.reduce((sum, c) => sum + c.reps.length, 0);
    return n > cs.length ? ` (${n} runs)` : '';
  };
  if (!cases.length) return { ...base, verdict: 'UNDECIDED', condition: evidence.length ? 'no evidence cell could be judged' : 'no evidence cell ran' };
  const firsts = (cs: EvidenceCase[]) => cs.map(c => c.reps[0]!);
  if (mixed.length) {
    const others = yesCases.length + noCases.length;
    const rest = !others
      ? ''
      : !noCases.length
        ? `; every run of the other ${others} judged cells confirms`
        : !yesCases.length
          ? `; no run of the other ${others} judged cells does`
          : `; otherwise ${conditionText(firsts(yesCases), firsts(noCases), describeTarget)}`;
    return { ...base, verdict: 'CONDITIONAL', condition: `${rateText(mixed, firsts(cases), describeTarget)}${rest}` };
  }
  if (!noCases.length) return { ...base, verdict: 'CONFIRMED', condition: `all ${yesCases.length} judged cells${runs(yesCases)}` };
  if (!yesCases.length) return { ...base, verdict: 'REFUTED', condition: `none of ${noCases.length} judged cells${runs(noCases)}` };
  return { ...base, verdict: 'CONDITIONAL', condition: conditionText(firsts(yesCases), firsts(noCases), describeTarget) };
}

/** Every claim of a result, judged; targets are described with their OpenSSH release. */
export function judgeClaims(result: RunResult): ClaimOutcome[] {
  const openssh = new Map(result.targets.map(fp => [fp.name, fp.serverVersion.match(/OpenSSH_[\w.]+/)?.[0] ?? fp.serverVersion]));
  const describe = (t: string) => (openssh.has(t) ? `${t} (${openssh.get(t)})` : t);
  return (result.claims?.claims ?? []).map(c => judgeClaim(c, result.cells, describe));
}
