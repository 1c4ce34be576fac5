import { BadInputError, unknownName } from './errors.js';

/** An explicit registry of named plug-ins: lookups of unknown names fail with the known list. */
export function makeRegistry<T extends { name: string }>(kind: string, members: readonly T[]) {
  const byName = new Map(members.map(m => [m.name, m]));
  return {
    names: members.map(m => m.name) as readonly string[],
    all: members,
    get(name: string): T {
      const m = byName.get(name);
      if (!m) throw new BadInputError(unknownName(kind, name, [...byName.keys()]));
      return m;
    },
    has(name: string): boolean {
      return byName.has(name);
    },
  };
}
