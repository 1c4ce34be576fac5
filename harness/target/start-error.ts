import { InfrastructureError } from '../core/errors.js';
import { portHolder, portInUseMessage } from '../core/host-port.js';

/**
 * One line for an engine that would not start a target: an authorization plugin refusing the
 * grants it asked for (HTTP 403 on create), a published port taken, or anything else with what to check.
 */
export function containerStartError(
  target: string,
  message: string,
  o: { grants: { capAdd: string[]; securityOpt: string[] }; hostPort?: number | undefined },
): InfrastructureError {
  const first = message.split('\n')[0]!.trim();
  if (/authorization denied|HTTP code 403/i.test(first)) {
    const asked = [...o.grants.capAdd, ...o.grants.securityOpt];
    const named = asked.filter(p => first.includes(p.split('=')[0]!));
    const allow = [
      o.grants.capAdd.length ? `--cap-add ${o.grants.capAdd.join(',')}` : '',
      o.grants.securityOpt.length ? `--security-opt ${o.grants.securityOpt.join(',')}` : '',
    ].filter(Boolean);
    return new InfrastructureError(
      `target ${target}: the Docker engine refused ${(named.length ? named : asked).join(', ') || 'to create it'} (${first.replace(/^\(HTTP code 403\) \w+ - /, '')}); run hangup-lab doctor${allow.length ? `, and allow ${allow.join(' ')} for hangup-lab's containers (label hangup-lab=1)` : ''}`,
    );
  }
  if (o.hostPort !== undefined && /port is already allocated|address already in use/i.test(first)) {
    return new InfrastructureError(portInUseMessage(o.hostPort, portHolder(o.hostPort)));
  }
  const asked = o.grants.capAdd.length ? `, and that the engine may grant ${o.grants.capAdd.join(' and ')}` : '';
  return new InfrastructureError(`target ${target}: container did not start (${first}); check \`docker info\` and free disk space${asked}`);
}
