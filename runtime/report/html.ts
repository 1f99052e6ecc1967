import { escapeXml, FONT_FAMILY } from '../graph/svg-text.js';

/** Escapes text for HTML content and quoted attributes. */
export const esc = escapeXml;

/** A value as pretty JSON, escaped for HTML; `undefined` (not recorded) as a note. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return '<span class="muted">(not recorded)</span>';
  return esc(JSON.stringify(value, null, 2) ?? 'undefined');
}

/**
 * The page's policy: nothing may be fetched, no script may run, no form may be sent. Styles and images
 * are inline. The report stays readable offline and cannot call home, whatever a payload contains.
 */
const POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'";

const STYLE = `
:root { color-scheme: light; --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --soft: #f9fafb;
  --blue: #1d4ed8; --green: #2f8f4e; --amber: #b86e00; --red: #c23b3b; --grey: #6b7280; }
* { box-sizing: border-box; }
body { margin: 0; font-family: ${FONT_FAMILY}; color: var(--ink); background: #fff; line-height: 1.45; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 18px 0 6px; }
p { margin: 6px 0; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow: auto; margin: 6px 0; white-space: pre-wrap; word-break: break-word; }
.muted { color: var(--muted); }
.sub { color: var(--muted); font-size: 13px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 700; font-size: 13px; color: #fff; vertical-align: middle; }
.badge.done { background: var(--green); } .badge.escalated { background: var(--amber); }
.badge.failed { background: var(--red); } .badge.cancelled, .badge.running, .badge.awaiting_human { background: var(--grey); }
.ending { border: 1px solid var(--line); border-left: 6px solid var(--grey); border-radius: 8px; padding: 12px 16px; margin: 16px 0; background: var(--soft); }
.ending.done { border-left-color: var(--green); } .ending.escalated { border-left-color: var(--amber); }
.ending.failed { border-left-color: var(--red); }
.ending dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0 0; }
.ending dt { color: var(--muted); } .ending dd { margin: 0; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.stat { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 110px; }
.stat b { display: block; font-size: 18px; } .stat span { color: var(--muted); font-size: 12px; }
.diagram { overflow: auto; text-align: center; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
.diagram svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.culprit td { background: #fdeaea; }
.bar { position: relative; height: 12px; min-width: 160px; background: var(--soft); border-radius: 3px; }
.bar i { position: absolute; top: 0; bottom: 0; background: var(--blue); border-radius: 3px; opacity: .8; }
tr.culprit .bar i { background: var(--red); }
details { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 0 12px; }
details > summary { cursor: pointer; padding: 8px 0; font-weight: 600; }
details[open] > summary { border-bottom: 1px solid var(--line); margin-bottom: 6px; }
ul.violations { margin: 4px 0 8px; padding-left: 20px; } ul.violations li { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
.kind { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; padding: 1px 6px; border-radius: 4px; background: var(--soft); border: 1px solid var(--line); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; }
.chart { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.chart svg { width: 100%; height: auto; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

/** A whole self-contained HTML page: inline styles, no script, and a policy that forbids every fetch. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
<footer>Made by Baton. This page is self-contained: it fetches nothing and runs no script.</footer>
</main>
</body>
</html>
`;
}
