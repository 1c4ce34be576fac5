// Claims of the source articles as executable checks. A claim names the cells that test it and
// what outcome in a cell would confirm it; its verdict is a pure function of the cells, like an
// expectation's, so every report (and `merge`) computes the same answer from results.json.
import type { CellPattern } from '../expect/judge.js';
import { patternMatches } from '../expect/judge.js';
import { AXIS_NAMES, type AxisName, type CellResult, type RunResult, type Verdict } from '../results.js';

/** What must hold in one cell for it to count as confirming the claim; unset fields are not checked. */
export interface Confirms {
  verdict?: Verdict[];
  signal?: string;
  /** a regular expression the signal sender's command name must match */
  sender?: string;
  /** sshd ended the session (true) or had not when the window closed (false) */
  sessionEnded?: boolean;
  /** the local ssh client exited (true) or was still running (false) */
  clientExited?: boolean;
  /** the network path broke (true) or never did (false) */
  pathBroke?: boolean;
  /** seconds from the path breaking to the client exiting, [min, max] */
  clientNoticedS?: [number, number];
  /** named checks and the answer they must give (reattach, restart, …) */
  checks?: Record<string, boolean>;
}

export interface Claim {
  id: string;
  /** the article's file name in ../shared/seeds/ */
  article: string;
  /** the claim in our own words */
  claim: string;
  where: CellPattern;
  confirms: Confirms;
  /** what the measurement shows, in our words, shown next to the verdict */
  explain: string;
}

/** A claim the harness cannot test, with the reason: listed, never silently dropped. */
export interface UntestableClaim {
  article: string;
  claim: string;
  why: string;
}

export interface ClaimSet {
  article: string;
  title: string;
  claims: Claim[];
  untestable: UntestableClaim[];
}

export type ClaimVerdict = 'CONFIRMED' | 'REFUTED' | 'CONDITIONAL' | 'UNDECIDED';

export interface ClaimOutcome {
  claim: Claim;
  verdict: ClaimVerdict;
  /** for CONDITIONAL: when it holds, in axis terms ("true when session=pty"); else a summary */
  condition: string;
  /** the judged cells that confirm and that do not, by id (the evidence links) */
  confirming: string[];
  contradicting: string[];
  /** evidence cells that could not be judged (inconclusive / not-applicable) */
  unjudged: string[];
}

/** Does this cell show what the claim says? Each criterion that is set must hold. */
export function confirmsIn(cell: CellResult, c: Confirms): boolean {
  if (c.verdict && !c.verdict.includes(cell.verdict)) return false;
  if (c.signal !== undefined && cell.signal !== c.signal) return false;
  if (c.sender !== undefined && !new RegExp(c.sender).test(cell.signalSender?.comm ?? '')) return false;
  if (c.sessionEnded !== undefined && (cell.sessionEndedMs !== null) !== c.sessionEnded) return false;
  if (c.clientExited !== undefined && (cell.client?.exitMs != null) !== c.clientExited) return false;
  if (c.pathBroke !== undefined && (cell.pathBrokeMs !== null) !== c.pathBroke) return false;
  if (c.clientNoticedS) {
    const exit = cell.client?.exitMs;
    if (exit == null || cell.pathBrokeMs === null) return false;
    const s = (exit - cell.pathBrokeMs) / 1000;
    if (s < c.clientNoticedS[0] || s > c.clientNoticedS[1]) return false;
  }
  for (const [name, want] of Object.entries(c.checks ?? {})) {
    const got = cell.checks.find(k => k.name === name);
    if (!got || got.ok !== want) return false;
  }
  return true;
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

export function judgeClaim(claim: Claim, cells: readonly CellResult[], describeTarget?: (t: string) => string): ClaimOutcome {
  const evidence = cells.filter(c => patternMatches(c, claim.where));
  const judged = evidence.filter(c => c.verdict !== 'inconclusive' && c.verdict !== 'not-applicable');
  const yes = judged.filter(c => confirmsIn(c, claim.confirms));
  const no = judged.filter(c => !confirmsIn(c, claim.confirms));
  const base = {
    claim,
    confirming: yes.map(c => c.id),
    contradicting: no.map(c => c.id),
    unjudged: evidence.filter(c => !judged.includes(c)).map(c => c.id),
  };
  if (!judged.length) return { ...base, verdict: 'UNDECIDED', condition: evidence.length ? 'no evidence cell could be judged' : 'no evidence cell ran' };
  if (!no.length) return { ...base, verdict: 'CONFIRMED', condition: `all ${yes.length} judged cells` };
  if (!yes.length) return { ...base, verdict: 'REFUTED', condition: `none of ${no.length} judged cells` };
  return { ...base, verdict: 'CONDITIONAL', condition: conditionText(yes, no, describeTarget) };
}

/** Every claim of a result, judged; targets are described with their OpenSSH release. */
export function judgeClaims(result: RunResult): ClaimOutcome[] {
  const openssh = new Map(result.targets.map(fp => [fp.name, fp.openssh.match(/OpenSSH_[\w.]+/)?.[0] ?? fp.openssh]));
  const describe = (t: string) => (openssh.has(t) ? `${t} (${openssh.get(t)})` : t);
  return (result.claims?.claims ?? []).map(c => judgeClaim(c, result.cells, describe));
}
