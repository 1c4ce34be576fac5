// demo --port N: the target's sshd answers on 127.0.0.1:N while the demo runs, and the demo says
// how to log in; afterwards nothing is left. (A taken port is test/cli/bad-input.test.ts: no Docker.)
import net from 'node:net';
import path from 'node:path';
import t from 'tap';
import { cliAsync, leftoversOf } from '../fixtures/cli.js';

/** A port free right now: the kernel picks one, and it is released at once. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>(resolve => s.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>(resolve => s.close(() => resolve()));
  return port;
}

function banner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let got = '';
    s.setTimeout(5000, () => s.destroy(new Error('no banner within 5 s')));
    s.on('data', d => {
      got += d.toString('latin1');
      if (got.includes('\n')) {
        s.destroy();
        resolve(got.trim());
      }
    });
    s.on('error', reject);
  });
}

t.test('demo --port N publishes sshd on 127.0.0.1:N and says how to log in', async t => {
  const port = await freePort();
  const out = path.join(t.testdir({}), 'out');
  let seen: Promise<string> | null = null;
  // A cell that stays a while (the user manager stops 10 s after logout), so sshd can be asked.
  const r = await cliAsync(['demo', '--launch', 'systemd-run-user', '--sever', 'logout', '--port', String(port), '--out', out], {}, stderr => {
    if (!seen && stderr.includes(`sshd is published on 127.0.0.1:${port}`)) seen = banner(port);
  });
  t.equal(r.status, 0, r.stderr.split('\n').slice(-3).join('\n'));
  t.match(r.stderr, new RegExp(`sshd is published on 127\\.0\\.0\\.1:${port} while this runs; log in as the cell does: ssh -p ${port} -i \\S+ -o UserKnownHostsFile=\\S+ -o HostKeyAlias=hangup-lab-[0-9a-f]{12} \\S+@127\\.0\\.0\\.1`));
  t.ok(seen, 'the demo said where sshd is');
  t.match(await (seen ?? Promise.resolve('')), /^SSH-2\.0-OpenSSH_/, 'sshd answered on the published port');
  t.same(leftoversOf(r.pid), { containers: [], runDirs: [] }, 'no container, no run dir');
});
