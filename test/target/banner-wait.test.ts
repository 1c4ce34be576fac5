import net from 'node:net';
import t from 'tap';
import { SshBannerWaitStrategy, waitForBanner } from '../../harness/target/banner-wait.js';

async function server(t: { teardown(fn: () => void): void }, greeting: string): Promise<number> {
  const s = net.createServer(c => c.end(greeting));
  await new Promise<void>(r => s.listen({ host: '127.0.0.1', port: 0 }, r));
  t.teardown(() => s.close());
  return (s.address() as net.AddressInfo).port;
}

t.test('an SSH banner is ready', async t => {
  const port = await server(t, 'SSH-2.0-OpenSSH_9.2p1 Debian\r\n');
  t.match(await waitForBanner('127.0.0.1', port, 2000), /^SSH-2\.0-OpenSSH_9\.2p1/);
});

t.test('anything else is not, and the wait ends at its deadline saying why', async t => {
  const port = await server(t, 'HTTP/1.1 400 Bad Request\r\n');
  await t.rejects(waitForBanner('127.0.0.1', port, 500), /no SSH banner from 127\.0\.0\.1:\d+ within 500 ms \(unexpected banner/);
});

t.test('the strategy takes its startup timeout from the container, as testcontainers sets it', async t => {
  const s = new SshBannerWaitStrategy();
  t.equal(s.isStartupTimeoutSet(), false);
  t.equal(s.withStartupTimeout(90_000), s);
  t.equal(s.getStartupTimeout(), 90_000);
  t.equal(s.isStartupTimeoutSet(), true);
});
