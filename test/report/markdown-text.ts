// Reading report.md in tests: its sections and table rows, the way a reader would find them.

/** From a heading line to the next heading of the same or a higher level. */
export function section(out: string, heading: string): string {
  const start = out.indexOf(`\n${heading}\n`);
  if (start === -1) return '';
  const level = heading.match(/^#+/)![0].length;
  const rest = out.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`^#{1,${level}} `, 'm'));
  return heading + '\n' + (next === -1 ? rest : rest.slice(0, next));
}

/** Splits a table row on unescaped pipes, dropping the empty ends. */
export function tableCells(line: string): string[] {
  return line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
}
