/** Escapes text for XML and HTML, in element content and in quoted attribute values alike. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The font every drawing uses: the system's own sans-serif, so nothing is fetched to show it. */
export const FONT_FAMILY =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif';

/** Widths of characters in ems, by class, for a typical sans-serif: enough to size boxes around text. */
function charWidth(c: string): number {
  if (/[iljtf.,:;'|!()[\]{} ]/.test(c)) return 0.32;
  if (/[mwMW@%…]/.test(c)) return 0.86;
  if (/[A-Z]/.test(c)) return 0.68;
  if (/[0-9]/.test(c)) return 0.58;
  if (/[a-z_\-·≤›‹]/.test(c)) return 0.56;
  return 0.62;
}

/**
 * About how wide a line of text is drawn at a font size, in pixels, a little generous (bold text and
 * wider system fonts still fit). The fonts are the viewer's, so exact widths cannot be known here.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let ems = 0;
  for (const c of text) ems += charWidth(c);
  return Math.ceil(ems * fontSize * (bold ? 1.1 : 1.04));
}

/** A number for an SVG attribute: at most one decimal, no trailing zeros. */
export function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}
