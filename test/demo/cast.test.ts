import t from 'tap';
import { castText, castTimestamp, parseCast } from '../../harness/demo/cast.js';
import { TerminalRecording } from '../../harness/session/ssh-client.js';
import { cell, startedAt } from './fixtures.js';

t.test('a real recording becomes a cast that parses: header fields, JSON lines, times in order', async t => {
  const c = cell('pty_nohup_client_kill');
  const text = castText(c.recording!, { timestamp: castTimestamp(startedAt, c), title: 'demo "nohup" × client-kill' });
  const lines = text.trimEnd().split('\n');
  for (const l of lines) t.doesNotThrow(() => JSON.parse(l));
  const cast = parseCast(text);
  t.same(Object.keys(cast.header).sort(), ['height', 'timestamp', 'title', 'version', 'width']);
  t.equal(cast.header.version, 2);
  t.equal(cast.header.width, 160);
  t.equal(cast.header.height, 40);
  t.equal(cast.header.title, 'demo "nohup" × client-kill');
  t.ok(Math.abs(cast.header.timestamp - Date.parse(startedAt) / 1000) < 60, 'about when the run started');
  t.equal(cast.events.length, c.recording!.events.length);
  t.ok(cast.events.some(e => e[1] === 'i' && /^nohup .*&\r$/.test(e[2])), 'what the harness typed is an input event');
  t.ok(cast.events.some(e => e[1] === 'o' && e[2].includes('[hl-ready]$')), 'what ssh printed is an output event');
  for (let i = 1; i < cast.events.length; i++) t.ok(cast.events[i]![0] >= cast.events[i - 1]![0], `event ${i} is not earlier`);
});

t.test('parseCast rejects what a player would choke on, naming the line', async t => {
  const header = '{"version":2,"width":80,"height":24,"timestamp":1,"title":"x"}';
  t.throws(() => parseCast(`${header}\n[1,"o","a"]\n[0.5,"o","b"]\n`), /line 3: time 0.5 goes back/);
  t.throws(() => parseCast(`${header}\nnot json\n`), /line 2: not JSON/);
  t.throws(() => parseCast(`${header}\n[1,"x","a"]\n`), /line 2: not \[seconds/);
  t.throws(() => parseCast('{"version":1}\n'), /header\.version/);
  t.throws(() => parseCast('{"version":2,"width":80,"height":24,"title":"x"}\n'), /header\.timestamp/);
});

t.test('TerminalRecording: monotonic seconds since begin, output and input kept apart', async t => {
  const r = new TerminalRecording();
  r.begin(100, 30);
  r.output('hello\r\n');
  r.input('exit\r');
  await new Promise(res => setTimeout(res, 20));
  r.output('bye');
  const json = JSON.parse(JSON.stringify(r)) as { width: number; height: number; events: [number, string, string][] };
  t.same([json.width, json.height], [100, 30]);
  t.same(json.events.map(e => [e[1], e[2]]), [['o', 'hello\r\n'], ['i', 'exit\r'], ['o', 'bye']]);
  t.ok(json.events[2]![0] >= 0.015, 'seconds, not ms');
  t.doesNotThrow(() => parseCast(castText(json as never, { timestamp: 0, title: '' })));
});
