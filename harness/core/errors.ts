// The few ways the harness can fail, each with a stable exit code. The exit code itself is decided
// in exactly one place (cli.ts); everything else throws one of these.

export const ExitCode = {
  ok: 0,
  expectationFailed: 1,
  badInput: 2,
  infrastructure: 3,
  internal: 70,
} as const;

export class HarnessError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A scenario file, flag or option the user gave is wrong. Message: subject, value, fix. */
export class BadInputError extends HarnessError {
  constructor(message: string) {
    super(message, ExitCode.badInput);
  }
}

/** Something the harness needs on this machine is missing. Message says what to run. */
export class InfrastructureError extends HarnessError {
  constructor(message: string) {
    super(message, ExitCode.infrastructure);
  }
}

/** Suggest the closest known name, for "unknown value" messages. */
export function closest(value: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(value.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** "unknown X "v" (known: a, b, c)" plus a suggestion when one is close. */
export function unknownName(kind: string, value: string, known: readonly string[]): string {
  const hint = closest(value, known);
  return `unknown ${kind} "${value}"${hint ? ` (did you mean "${hint}"?)` : ''} (known: ${known.join(', ')})`;
}
