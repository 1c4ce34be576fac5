// The facts script is read-only: checked for what it would write, and parsed by sh -n and dash.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { END_MARK, factsScript, START_MARK } from '../../harness/inspect/script.js';

for (const sudo of [true, false]) {
  const script = factsScript({ sudo });
  t.test(`sudo ${sudo}: sh -n accepts it`, async t => {
    const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
    t.equal(r.status, 0, r.stderr);
  });
  t.test(`sudo ${sudo}: it writes nowhere but /dev/null`, async t => {
    // Every ">" is a redirection to /dev/null, a 2>&1, or inside a sed/grep expression.
    const writes = script.split('\n').flatMap(l => [...l.matchAll(/(?<![2&-])>(?!&1|\/dev\/null)\s*(\S+)/g)].map(m => m[0]));
    t.same(writes, []);
    // (dpkg's status text "install ok installed" is no command)
    t.notMatch(script.replace(/install ok installed/g, ''), /\b(rm|mv|cp|touch|tee|mkdir|install|chmod|chown|kill|pkill|systemctl (start|stop|restart|enable|disable)|loginctl (enable|disable|terminate|kill))\b/);
  });
  t.test(`sudo ${sudo}: marks and stdin`, async t => {
    t.match(script, START_MARK);
    t.match(script, END_MARK);
    t.match(script, /\nhl_main <\/dev\/null\n$/, 'the commands never read the rest of the script from stdin');
    t.equal(/sudo -n sshd -T/.test(script), true, 'the line exists; the option decides whether it runs');
    t.match(script, sudo ? /\[ 'yes' = no \]/ : /\[ 'no' = no \]/);
    t.notMatch(script, /\$!\{/, 'every placeholder replaced');
  });
}

t.test('run here as this user: it finishes and prints only key=value lines between the marks', async t => {
  // This machine is no server to judge, but the script must run anywhere sh runs, reading only.
  const r = spawnSync('sh', ['-s'], { input: factsScript({ sudo: false }), encoding: 'utf8', timeout: 60_000 });
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.equal(lines[0], START_MARK);
  t.equal(lines.at(-1), END_MARK);
  t.same(lines.filter(l => !/^[A-Za-z][\w.@/-]*=/.test(l)), []);
});
