// Containers and networks labelled hangup-lab=1 that outlived the run that made them.
import type { Labelled, Owner } from '../core/cleanup.js';
import { ok, warn, type Check } from './check.js';

/**
 * Stale = its creator is gone. A live creator (a run in another terminal, a parallel test) still
 * owns its containers: they are reported, never offered for removal.
 */
export function leftoversCheck(
  containers: readonly Labelled[],
  networks: readonly Labelled[],
  ownerAlive: (owner: Owner) => boolean,
): Check {
  const live = (x: Labelled) => Boolean(x.pid) && ownerAlive({ pid: Number(x.pid), start: x.start ?? '' });
  const staleC = containers.filter(c => !live(c));
  const staleN = networks.filter(n => !live(n));
  const inUse = containers.length - staleC.length + networks.length - staleN.length;
  const busy = inUse ? ` (${inUse} in use by a running hangup-lab)` : '';
  if (!staleC.length && !staleN.length) return ok('leftovers', `no containers or networks left by earlier runs${busy}`);
  const fixes = [
    ...(staleC.length ? [`docker rm -f ${staleC.map(c => c.id).join(' ')}`] : []),
    ...(staleN.length ? [`docker network rm ${staleN.map(n => n.id).join(' ')}`] : []),
  ];
  const what = [
    ...(staleC.length ? [`${staleC.length} container(s) (${staleC.map(c => c.name).join(', ')})`] : []),
    ...(staleN.length ? [`${staleN.length} network(s) (${staleN.map(n => n.name).join(', ')})`] : []),
  ];
  return warn('leftovers', `${what.join(' and ')} left by runs that are gone${busy}`, `${fixes.join('; ')} (or hangup-lab clean; a run also removes them when it starts)`);
}
