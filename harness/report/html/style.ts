// The page's only stylesheet, inlined: the report must open from file:// with no network, so no
// fonts or frameworks, only the system's own sans-serif and monospace.

import { VERDICTS, type Verdict } from '../../results.js';

/**
 * One colour per verdict from the Okabe–Ito palette, which was designed to stay apart for
 * protanopes, deuteranopes and tritanopes (the browser test checks that after simulating each).
 * killed, the outcome readers look for, gets the strongest colour (vermillion), not a pale one.
 * not-applicable is the one grey: no answer, so it recedes. Text is black wherever it contrasts
 * better than white (WCAG ≥ 4.5:1 for every pair).
 */
export const VERDICT_COLOURS: Readonly<Record<Verdict, { bg: string; fg: string }>> = {
  survived: { bg: '#009e73', fg: '#000000' },
  killed: { bg: '#d55e00', fg: '#000000' },
  exited: { bg: '#e69f00', fg: '#000000' },
  'session-open': { bg: '#0072b2', fg: '#ffffff' },
  'not-applicable': { bg: '#e0e0e0', fg: '#333333' },
  inconclusive: { bg: '#f0e442', fg: '#000000' },
};

/**
 * Colour is never the only carrier: every verdict also has its own glyph, in the cell, the chips
 * and the legend, so the heatmap reads in greyscale, in print and for any colour vision.
 */
export const VERDICT_GLYPHS: Readonly<Record<Verdict, string>> = {
  survived: '✓',
  killed: '✕',
  exited: '→',
  'session-open': '○',
  'not-applicable': '∅',
  inconclusive: '?',
};

/**
 * The two verdicts that are no answer are also hatched, so "not judged" stands apart from every
 * answer at a glance; the stripes stay faint enough for the text on them.
 */
const HATCHED: Partial<Record<Verdict, string>> = {
  'not-applicable': '#eeeeee',
  inconclusive: '#f7ef8f',
};

const verdictRules = VERDICTS.map((v) => {
  const { bg, fg } = VERDICT_COLOURS[v];
  const hatch = HATCHED[v];
  const image = hatch ? `;background-image:repeating-linear-gradient(135deg,transparent 0 5px,${hatch} 5px 10px)` : '';
  // A heatmap slot takes its verdict's colour over the table's own cell background.
  return `.v-${v},table.heat td.v-${v}{background-color:${bg};color:${fg}${image}}`;
}).join('\n');

export const CSS = `
:root{--line:#c9ced6;--muted:#5f6672;--accent:#6a1b9a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:#1d2127;background:#f6f7f9}
main{padding:10px 20px 40px;max-width:1600px}
h1{font-size:22px;margin:2px 0 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:3px}
h3{font-size:15px;margin:18px 0 6px}
code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
pre{background:#fff;border:1px solid var(--line);padding:6px 8px;overflow:auto;max-height:24em;margin:4px 0}
a{color:#0b57d0}
.muted{color:var(--muted)}
header p{margin:2px 0}
.facts{color:var(--muted);font-size:13px}
nav.toc{font-size:13px;margin:6px 0 0}nav.toc a{margin-right:12px}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid var(--line);padding:3px 6px;vertical-align:top;text-align:left}
th{background:#eef0f3;font-weight:600}
table.kv th{width:14em}
.pass{color:#1b5e20;font-weight:700}.fail{color:#b71c1c;font-weight:700}.cond{color:#8a5a00;font-weight:700}.undecided{color:#555}td.evidence{font-size:.8em;max-width:22em}
${verdictRules}
.g{display:inline-block;min-width:1em;text-align:center;font-weight:700}
#summary{background:#fff;border:1px solid var(--line);border-left:6px solid var(--line);padding:6px 12px;margin:8px 0 0}
#summary.tone-pass{border-left-color:#1b5e20}#summary.tone-fail{border-left-color:#b71c1c}
#summary p,#summary ul{margin:3px 0}
#summary ul{padding-left:1.2em}
#summary .run-verdict{font-size:15px}
#summary .chip{font-size:13px;padding:1px 6px}
.legend{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px;margin:6px 0;font-size:12.5px}
.legend .sw{display:inline-block;padding:1px 7px;border-radius:3px;font-weight:600;white-space:nowrap}
.legend details[open]{flex-basis:100%}
.legend dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 10px;margin:4px 0;max-width:60em}
.legend dd{margin:0}
#heatmaps h2{margin-top:14px}
#heatmaps h2.target{font-size:16px;margin:10px 0 6px}
#heatmaps .fixed{font-size:12px;margin:4px 0}
.targets{display:flex;flex-wrap:wrap;gap:0 28px;align-items:flex-start}
.target-block{min-width:0}.target-block .views{display:flex;flex-wrap:wrap;gap:0 28px;align-items:flex-start}
section.view h3{margin:8px 0 4px}
table.heat th.row{white-space:nowrap;font-weight:500;background:#fafbfc;font-size:13px;vertical-align:middle;padding:1px 6px}
.targets.side table.heat th.row{white-space:normal;width:12em}
table.heat th.col{width:8.4em;text-align:center;font-size:13px;word-break:break-word}
table.heat td{padding:0;height:2.6em;text-align:center;vertical-align:middle;background:#fbfbfc}
table.heat td.one a.c{display:flex;flex-direction:column;justify-content:center;height:100%;min-height:2.6em}
a.c{color:inherit;text-decoration:none;font-weight:600;font-size:13px;line-height:1.2}
a.c small{display:block;font-weight:400;font-size:11.5px}
a.c:hover,a.c:focus,a.lead:hover,a.lead:focus{outline:3px solid #111;outline-offset:-3px}
td.multi{padding:2px 3px!important;position:relative}
td.multi a.lead{display:block;color:inherit;text-decoration:none;font-weight:600;font-size:12.5px;line-height:1.2;white-space:nowrap}
.frac{font-weight:700;font-size:11px;margin-left:4px}
td.multi .reps{display:flex;flex-wrap:wrap;gap:2px;justify-content:center;align-items:center;margin-top:2px}
td.multi a.rep{display:inline-block;width:1.25em;height:1.25em;line-height:1.15em;font-size:10.5px;border:1px solid rgba(0,0,0,.55);border-radius:2px;padding:0}
td.multi a.rep .g{min-width:0}
td.disagree::after{content:"";position:absolute;top:0;right:0;border-style:solid;border-width:0 11px 11px 0;border-color:transparent #111 transparent transparent}
.differ-badge{display:inline-block;background:#fff;color:#111;border:1px solid #111;border-radius:3px;padding:0 3px;font-size:10px;font-weight:700;line-height:1.2}
.flag{display:block;font-size:11px;font-weight:700}
td.filtered{opacity:.15}
.chip{display:inline-block;padding:0 5px;border-radius:3px;margin:1px;font-size:12px;text-decoration:none;font-weight:600}
#filters{background:#fff;border:1px solid var(--line);padding:4px 10px;margin:6px 0;position:sticky;top:0;z-index:5}
#filters fieldset{display:inline-block;border:0;margin:0 16px 2px 0;padding:0;vertical-align:top}
#filters legend{float:left;font-weight:600;font-size:12px;padding:0;margin-right:6px}
#filters label{font-size:12px;margin-right:8px;white-space:nowrap}
#filter-count{font-size:12px;color:var(--muted)}
.failing{border-left:4px solid #b71c1c;background:#fff;padding:4px 10px;margin:6px 0}
.varies{border-left:4px solid var(--accent);background:#fff;padding:4px 10px;margin:6px 0}
.flaky-badge{display:inline-block;background:#111;color:#fff;border-radius:3px;padding:0 4px;font-size:10px;font-weight:700;line-height:1.25;text-transform:uppercase;text-decoration:none}
a.chip.flaky-badge{font-size:12px;padding:0 5px}
.flaky-note{border-left:4px solid #111;padding:2px 8px}
.race{border-left:4px solid var(--accent);background:#fff;padding:4px 10px;margin:6px 0}
.race-badge{display:inline-block;background:#fff;color:#111;border:1px solid #111;border-radius:3px;padding:0 3px;font-size:10px;font-weight:700;line-height:1.2;text-transform:uppercase;text-decoration:none}
a.chip.race-badge{font-size:12px;padding:0 5px}
.race-note{border-left:4px solid var(--accent);padding:2px 8px}
.detail{display:none}
.detail:target,.js .detail.open{display:block;position:fixed;inset:3vh 3vw;overflow:auto;z-index:20;background:#fff;
  border:1px solid #888;border-radius:6px;padding:10px 16px;box-shadow:0 0 0 100vmax rgba(0,0,0,.45)}
.js .detail:target:not(.open){display:none}
.detail h2{margin-top:4px}
.detail .close{float:right;font-size:20px;text-decoration:none;padding:0 6px}
.badge{display:inline-block;padding:1px 8px;border-radius:3px;font-weight:700}
.reps-list{margin:4px 0 8px;padding-left:1.2em}.reps-list li{margin:2px 0}
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
