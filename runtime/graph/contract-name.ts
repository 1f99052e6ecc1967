/** How many property names a contract without a title is named by before the list is cut. */
const SHOWN_FIELDS = 3;

/**
 * The name a diagram gives a contract: its `title`, else the last segment of its `$id`, else its first
 * property names in braces (`{ticketId, customer, question, …}`), else `object`. Give a schema a
 * `title` (`Type.Object({...}, { title: 'BillingCase' })`) to name its routes.
 */
export function contractName(contract: object | null | undefined): string {
  if (!contract) return 'object';
  const schema = contract as Readonly<Record<string, unknown>>;
  const title = typeof schema.title === 'string' ? schema.title.trim() : '';
  if (title !== '') return title;
  if (typeof schema.$id === 'string') {
    const last = schema.$id
      .split(/[/#]/)
      .filter((part) => part !== '')
      .at(-1)
      ?.replace(/\.(?:schema\.)?json$/, '');
    if (last) return last;
  }
  const properties = schema.properties;
  if (typeof properties === 'object' && properties !== null) {
    const names = Object.keys(properties);
    if (names.length > 0) {
      const shown = names.slice(0, SHOWN_FIELDS);
      return `{${shown.join(', ')}${names.length > SHOWN_FIELDS ? ', …' : ''}}`;
    }
  }
  return 'object';
}
