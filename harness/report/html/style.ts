// The page's only stylesheet, inlined: the report must open from file:// with no network, so no
// fonts or frameworks, only the system's own sans-serif and monospace.

import { VERDICTS, type Verdict } from '../../results.js';

/**
 * One colour per verdict, chosen to stay apart in hue and lightness (red and green also differ in
 * lightness, for red-green colour blindness) and to carry white or black text legibly; the text in
 * every cell names the outcome anyway, so colour is never the only carrier.
 */
export const VERDICT_COLOURS: Readonly<Record<Verdict, { bg: string; fg: string }>> = {
  survived: { bg: '#2e7d32', fg: '#ffffff' },
  killed: { bg: '#ef9a9a', fg: '#000000' },
  exited: { bg: '#f57c00', fg: '#000000' },
  'session-open': { bg: '#1565c0', fg: '#ffffff' },
  'not-applicable': { bg: '#e0e0e0', fg: '#424242' },
  inconclusive: { bg: '#fdd835', fg: '#000000' },
};

const verdictRules = VERDICTS.map((v) => `.v-${v}{background:${VERDICT_COLOURS[v].bg};color:${VERDICT_COLOURS[v].fg}}`).join('\n');

export const CSS = `
:root{--line:#c9ced6;--muted:#5f6672;--accent:#6a1b9a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:#1d2127;background:#f6f7f9}
main{padding:12px 20px 40px;max-width:1600px}
h1{font-size:22px;margin:4px 0 2px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:3px}
h3{font-size:15px;margin:18px 0 6px}
code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
pre{background:#fff;border:1px solid var(--line);padding:6px 8px;overflow:auto;max-height:24em;margin:4px 0}
a{color:#0b57d0}
.muted{color:var(--muted)}
.facts{color:var(--muted);margin:2px 0 6px}
nav.toc{font-size:13px;margin:6px 0}nav.toc a{margin-right:12px}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid var(--line);padding:3px 6px;vertical-align:top;text-align:left}
th{background:#eef0f3;font-weight:600}
table.kv th{width:14em}
.pass{color:#1b5e20;font-weight:700}.fail{color:#b71c1c;font-weight:700}.cond{color:#8a5a00;font-weight:700}.undecided{color:#555}td.evidence{font-size:.8em;max-width:22em}
${verdictRules}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:6px 0;font-size:13px}
.legend span.sw{display:inline-block;min-width:7.5em;padding:1px 6px;border-radius:3px;text-align:center;font-weight:600}
.legend .item{max-width:28em}
table.heat{table-layout:fixed}
table.heat th.row{width:17em;font-weight:500;background:#fafbfc;font-size:13px;vertical-align:middle}
table.heat th.col{width:8.6em;text-align:center;font-size:13px;word-break:break-word}
table.heat td{padding:0;height:3.1em;text-align:center;vertical-align:middle;background:#fbfbfc}
table.heat td.one a.c{display:flex;flex-direction:column;justify-content:center;height:100%;min-height:3.1em}
a.c{color:inherit;text-decoration:none;font-weight:600;font-size:13px;line-height:1.2}
a.c small{display:block;font-weight:400;font-size:11.5px}
a.c:hover,a.c:focus{outline:3px solid #111;outline-offset:-3px}
td.multi{padding:3px!important}
td.multi .chips{display:flex;flex-wrap:wrap;gap:2px;justify-content:center}
td.multi a.c{padding:1px 4px;border-radius:3px;font-size:11.5px}
td.multi .cap{display:block;font-size:11px;color:var(--muted);margin-bottom:1px}
td.disagree{outline:3px dashed var(--accent);outline-offset:-3px}
td.disagree .cap{color:var(--accent);font-weight:700}
.flag{display:block;font-size:11px;font-weight:700}
td.filtered{opacity:.15}
.chip{display:inline-block;padding:0 5px;border-radius:3px;margin:1px;font-size:12px;text-decoration:none;font-weight:600}
#filters{background:#fff;border:1px solid var(--line);padding:6px 10px;margin:8px 0;position:sticky;top:0;z-index:5}
#filters fieldset{display:inline-block;border:0;margin:0 14px 2px 0;padding:0;vertical-align:top}
#filters legend{font-weight:600;font-size:12px;padding:0}
#filters label{font-size:12px;margin-right:8px;white-space:nowrap}
#filter-count{font-size:12px;color:var(--muted)}
.failing{border-left:4px solid #b71c1c;background:#fff;padding:4px 10px;margin:6px 0}
.varies{border-left:4px solid var(--accent);background:#fff;padding:4px 10px;margin:6px 0}
.flaky-badge{display:inline-block;background:#b71c1c;color:#fff;border-radius:3px;padding:0 4px;font-size:10.5px;font-weight:700;text-transform:uppercase;text-decoration:none}
a.chip.flaky-badge{font-size:12px;padding:0 5px}
td.flaky{outline-color:#b71c1c}
.flaky-note{border-left:4px solid #b71c1c;padding:2px 8px}
.race{border-left:4px solid #1565c0;background:#fff;padding:4px 10px;margin:6px 0}
.race-badge{display:inline-block;background:#1565c0;color:#fff;border-radius:3px;padding:0 4px;font-size:10.5px;font-weight:700;text-transform:uppercase;text-decoration:none}
a.chip.race-badge{font-size:12px;padding:0 5px}
.race-note{border-left:4px solid #1565c0;padding:2px 8px}
.detail{display:none}
.detail:target,.js .detail.open{display:block;position:fixed;inset:3vh 3vw;overflow:auto;z-index:20;background:#fff;
  border:1px solid #888;border-radius:6px;padding:10px 16px;box-shadow:0 0 0 100vmax rgba(0,0,0,.45)}
.js .detail:target:not(.open){display:none}
.detail h2{margin-top:4px}
.detail .close{float:right;font-size:20px;text-decoration:none;padding:0 6px}
.badge{display:inline-block;padding:1px 8px;border-radius:3px;font-weight:700}
.timeline svg{background:#fff;border:1px solid var(--line);max-width:100%}
.timeline text{font:11.5px system-ui,"DejaVu Sans",sans-serif}
.ptree td{font-size:12px}.ptree td.args{font-family:ui-monospace,"DejaVu Sans Mono",monospace;white-space:pre-wrap;word-break:break-all}
.ptree tr.probe{background:#fff3c4}.ptree tr.gone td.pid{text-decoration:line-through}.ptree tr.new td.pid::after{content:" new";color:var(--accent);font-size:10px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:12px}
@media (max-width:1100px){.grid2{grid-template-columns:1fr}}
.replay pre{background:#111;color:#e8e8e8;min-height:6em;max-height:none;white-space:pre}
.replay button{margin-right:6px}
.diffs td{font-size:13px}
`;
