// Everything a results file holds is untrusted text: axis values, reasons, log lines and process
// arguments come from a machine under test (or a hand-edited file), and the report is opened in a
// browser. Every string goes through one of these two functions on its way into the page.

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content and quoted attribute values alike. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * JSON for a `<script type="application/json">`: no `<` at all (so neither `</script>` nor `<!--`
 * can end or confuse the element), and the two line separators JavaScript once choked on.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The element id of a cell's detail view; the URL hash #cell-<id> opens it. */
export function cellAnchor(id: string): string {
  return `cell-${id}`;
}

/** A same-page link to a cell's detail view, attribute-escaped. */
export function cellHref(id: string): string {
  return esc(`#${encodeURIComponent(cellAnchor(id))}`);
}

/** The element id of a server's fingerprint block. */
export function serverAnchor(key: string): string {
  return `server-${key}`;
}
