import net from 'node:net';
import type { WaitStrategy } from 'testcontainers';

/** The engine's container handle, as testcontainers hands it to a wait strategy. */
type EngineContainer = Parameters<WaitStrategy['waitUntilReady']>[0];

/**
 * Ready means the SSH server answers with its banner on the address the clients use, not "port
 * open": docker-proxy accepts on a published port before anything listens behind it.
 */
export class SshBannerWaitStrategy implements WaitStrategy {
  private startupTimeoutMs = 60_000;
  private startupTimeoutSet = false;

  constructor(private readonly port = 22) {}

  withStartupTimeout(startupTimeoutMs: number): this {
    this.startupTimeoutMs = startupTimeoutMs;
    this.startupTimeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.startupTimeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }

  async waitUntilReady(container: EngineContainer): Promise<void> {
    const inspect = await container.inspect();
    const ip = inspect.NetworkSettings.Networks.bridge?.IPAddress ?? '';
    await waitForBanner(ip, this.port, this.startupTimeoutMs);
  }
}

/** Try until the banner comes or `timeoutMs` has passed; each try is bounded too. Resolves with the banner line. */
export async function waitForBanner(host: string, port: number, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await readBanner(host, port, Math.min(2000, Math.max(100, deadline - Date.now())));
    } catch (e) {
      if (Date.now() >= deadline) throw new Error(`no SSH banner from ${host}:${port} within ${timeoutMs} ms (${(e as Error).message})`);
      await new Promise(r => setTimeout(r, 150));
    }
  }
}

export function readBanner(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    let buf = '';
    const done = (err?: Error) => {
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve(buf);
    };
    const timer = setTimeout(() => done(new Error(`no SSH banner from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    s.on('data', d => {
      buf += d.toString('latin1');
      if (!buf.includes('\n')) return;
      // Any implementation's banner (OpenSSH, Dropbear): which one should answer is the caller's
      // question (container.ts asks the server implementation). Only the line itself is kept:
      // Dropbear sends its key exchange right behind it, in the same segment.
      buf = buf.slice(0, buf.indexOf('\n') + 1);
      done(buf.startsWith('SSH-2.0-') ? undefined : new Error(`unexpected banner ${JSON.stringify(buf)}`));
    });
    s.on('error', e => done(e));
  });
}
