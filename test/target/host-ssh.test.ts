// The ssh command lines of run --host: what --dry-run prints is what the run executes.
import t from 'tap';
import { destinationOf, hostSshArgs, promptSetupLine, quoteCommand, shownCommand } from '../../harness/target/host-ssh.js';

const login = { user: 'alice', host: 'own.example', port: 2222, identity: '/k/id', sshOptions: ['ProxyJump=bastion'] };

t.test('the observer: BatchMode first, its own control socket, the user options before ConnectTimeout', async t => {
  const master = hostSshArgs(login, { controlPath: '/tmp/x/observer.sock', master: true }, null);
  t.same(master, ['-o', 'BatchMode=yes', '-S', '/tmp/x/observer.sock', '-M', '-N', '-o', 'ControlPersist=no', '-o', 'ProxyJump=bastion', '-o', 'ConnectTimeout=15', '-T', '-p', '2222', '-i', '/k/id', '--', 'alice@own.example']);
  const one = hostSshArgs({ ...login, user: null, port: null, identity: undefined as never }, { controlPath: '/s', master: false }, 'kill -KILL 12');
  t.same(one.slice(0, 6), ['-o', 'BatchMode=yes', '-S', '/s', '-o', 'ControlMaster=no']);
  t.same(one.slice(-3), ['--', 'own.example', 'kill -KILL 12'], 'no user: ssh config decides it; the command last');
  t.notOk(one.includes('-p'));
});

t.test('quoting: bare words stay bare, anything else single-quoted, quotes inside survive', async t => {
  t.equal(quoteCommand(['kill', '-KILL', '12']), 'kill -KILL 12');
  t.equal(quoteCommand(['sh', '-c', 'echo $HOME', "it's"]), `sh -c 'echo $HOME' 'it'\\''s'`);
  t.equal(shownCommand('ssh', ['-o', 'A=b c']), `ssh -o 'A=b c'`);
  t.equal(destinationOf({ user: null, host: 'h' }), 'h');
});

t.test("the first typed line: the harness's prompt, no history, the marker, the run's sockets, the shell's pid", async t => {
  const line = promptSetupLine('/home/alice/.hangup-lab.abc', 'f00d');
  t.match(line, /^unset HISTFILE; /);
  t.match(line, /export HANGUP_LAB_MARK=f00d TMUX_TMPDIR=\/home\/alice\/\.hangup-lab\.abc\/work SCREENDIR=\/home\/alice\/\.hangup-lab\.abc\/work\/screen /);
  t.match(line, /cd \/home\/alice\/\.hangup-lab\.abc\/work && /, 'nohup.out and the like stay in the run\'s directory');
  t.match(line, /PS1='\[hl-ready\]\\\$ '/);
  t.match(line, /echo \$\$ \$\(cut -d' ' -f22 \/proc\/\$\$\/stat\) > \/home\/alice\/\.hangup-lab\.abc\/shell\.pid$/, 'pid and start time');
  // Its echo must not pass for the prompt: the prompt regex wants "]$ " and the echo has "]\$ ".
  t.notMatch(line, /\[hl-ready\][$#] /);
});
