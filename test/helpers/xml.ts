// A strict enough well-formedness check of an XML document (an SVG), with no parser dependency: every
// tag closed in order, attributes quoted and unique, entities known, one root element.

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*$/;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function badAmpersand(text: string): boolean {
  return text.replace(ENTITY, '').includes('&');
}

/** The problems that keep `text` from being a well-formed XML document; empty when there are none. */
export function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('<', i);
    const chunk = text.slice(i, open === -1 ? text.length : open);
    if (badAmpersand(chunk)) problems.push(`a bare & in text near ${JSON.stringify(chunk.slice(0, 40))}`);
    if (stack.length === 0 && chunk.trim() !== '')
      problems.push(`text outside the root: ${JSON.stringify(chunk.slice(0, 40))}`);
    if (open === -1) break;
    if (text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open);
      if (end === -1) return [...problems, 'an unclosed comment'];
      i = end + 3;
      continue;
    }
    if (text.startsWith('<?', open)) {
      const end = text.indexOf('?>', open);
      if (end === -1) return [...problems, 'an unclosed processing instruction'];
      i = end + 2;
      continue;
    }
    const end = text.indexOf('>', open);
    if (end === -1) return [...problems, 'an unclosed tag'];
    const tag = text.slice(open + 1, end);
    i = end + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const top = stack.pop();
      if (top !== name) problems.push(`</${name}> closes <${top ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const name = /^[^\s/]+/.exec(body)?.[0] ?? '';
    if (!NAME.test(name)) problems.push(`a bad tag name ${JSON.stringify(name)}`);
    const attributes = body.slice(name.length);
    const seen = new Set<string>();
    const rest = attributes.replace(
      /\s+([^\s=]+)\s*=\s*("[^"<]*"|'[^'<]*')/g,
      (_, key: string, value: string) => {
        if (seen.has(key)) problems.push(`<${name}> repeats the attribute ${key}`);
        seen.add(key);
        if (badAmpersand(value)) problems.push(`a bare & in ${key}=${value.slice(0, 40)}`);
        return '';
      },
    );
    if (rest.trim() !== '')
      problems.push(`<${name}> has a malformed attribute: ${JSON.stringify(rest.trim().slice(0, 40))}`);
    if (stack.length === 0) roots += 1;
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
