import t from 'tap';
import { launches } from '../../harness/launch/registry.js';

t.test('the systemd modes come after the original seven, nohup-to-file and dtach, in this order', async t => {
  t.same(launches.names, [
    'foreground',
    'background',
    'disown',
    'nohup',
    'nohup-to-file',
    'setsid',
    'tmux',
    'screen',
    'dtach',
    'systemd-run-user',
    'systemd-run-scope',
    'systemd-run-system',
    'systemd-unit',
  ]);
});

t.test('only the terminal-holding foreground mode keeps the prompt', async t => {
  t.same(launches.all.filter(m => m.holdsTerminal).map(m => m.name), ['foreground']);
});
