/**
 * Whether to colour what goes to `stream`: NO_COLOR set to anything turns colour off
 * (https://no-color.org), FORCE_COLOR turns it on (0 or false: off; https://force-color.org),
 * otherwise a terminal that is not TERM=dumb gets colour and a pipe or file does not.
 */
export function colorFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return !['0', 'false'].includes(force.toLowerCase());
  return stream.isTTY === true && env.TERM !== 'dumb';
}
