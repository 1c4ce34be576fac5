// `hangup-lab inspect` through the real CLI, for input it refuses before any login: one line on
// stderr naming the flag and the value, exit 2, nothing on stdout.
import t from 'tap';
import { cli } from '../fixtures/cli.js';

const refused = (args: string[], line: RegExp) =>
  t.test(args.join(' ') || '(no flags)', async t => {
    const r = cli(['inspect', ...args], {}, 60_000);
    t.equal(r.status, 2, r.stderr);
    t.equal(r.stdout, '');
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    t.match(r.stderr.trim(), line);
  });

refused([], /^hangup-lab inspect: --host is required; e\.g\. --host admin@server\.example:2222 or --host server$/);
refused(['--host', 'h', '--prot', '22'], /^hangup-lab inspect: Unknown option '--prot'.*; see hangup-lab inspect --help$/);
refused(['--host', 'h:70000'], /^hangup-lab inspect: --host "70000": a port is an integer from 1 to 65535$/);
refused(['--host', 'h', '--identity', '/nonexistent/key'], /^hangup-lab inspect: --identity "\/nonexistent\/key": no readable file there; give the private key's path/);
refused(['--host', 'h', '--ssh-option', 'BatchMode'], /^hangup-lab inspect: --ssh-option "BatchMode": not KEYWORD=VALUE/);
refused(['--host', 'h', 'extra'], /^hangup-lab inspect: Unexpected argument 'extra'/);
