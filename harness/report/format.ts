// Number and text formatting shared by every human-readable report. toFixed, never toLocaleString:
// a report must render byte for byte the same on every machine.

/** Milliseconds relative to the sever, as "+0.04 s". */
export function offset(ms: number): string {
  return `${ms < 0 ? '-' : '+'}${(Math.abs(ms) / 1000).toFixed(2)} s`;
}

/** A run's duration, as "162.5 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A measured interval (a detection latency), as "5.30 s"; negative stays visible as "-0.20 s". */
export function interval(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * A predicted interval, as "3 s": predictions are products of whole-second settings, and printing
 * them with decimals would suggest a precision they do not have.
 */
export function wholeSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(2)} s`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Whitespace in free text (reasons, client lines) would break table rows and bullets. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
