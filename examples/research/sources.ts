import type { Source } from './contracts.js';

// The search tool's library: a few canned sources, so the example runs offline and gives the same
// sources for the same query every time. A real tool would call a search API here.

interface Entry extends Source {
  /** The words a query must share with the entry (at least two) for the search to return it. */
  readonly keywords: readonly string[];
}

const LIBRARY: readonly Entry[] = [
  {
    id: 'S1',
    title: 'Cold-climate heat pumps: a two-winter field study',
    url: 'https://example.org/sources/cold-climate-field-study',
    finding:
      'Cold-climate heat pumps kept homes warm down to -25 °C in a two-winter field study. Their efficiency fell as the air got colder but stayed well above that of electric resistance heaters.',
    keywords: ['heat', 'pump', 'pumps', 'cold', 'climate', 'climates', 'winter'],
  },
  {
    id: 'S2',
    title: 'Running costs of heat pumps and gas boilers',
    url: 'https://example.org/sources/running-costs',
    finding:
      'Heating with a heat pump cost less than heating with a gas boiler in most of the homes studied. How much less depended mainly on local electricity and gas prices.',
    keywords: ['heat', 'pump', 'pumps', 'cost', 'costs', 'boiler', 'boilers'],
  },
  {
    id: 'S3',
    title: 'Sizing and installation of residential heat pumps',
    url: 'https://example.org/sources/sizing-and-installation',
    finding:
      'Poor sizing and installation cut heat pump efficiency by up to a third. A room-by-room heat-loss survey before installation avoided most of that loss.',
    keywords: ['heat', 'pump', 'pumps', 'installation', 'sizing'],
  },
  {
    id: 'S4',
    title: 'A four-day week pilot across small firms',
    url: 'https://example.org/sources/four-day-week-pilot',
    finding:
      'Most firms in a six-month pilot kept the four-day week after it ended. Their revenue stayed broadly flat over the trial.',
    keywords: ['four', 'day', 'week', 'working', 'pilot'],
  },
  {
    id: 'S5',
    title: 'Staff wellbeing under a shorter working week',
    url: 'https://example.org/sources/shorter-week-wellbeing',
    finding:
      'Staff on a four-day week reported less burnout and better sleep. The gains were largest where workloads were cut rather than squeezed into fewer days.',
    keywords: ['four', 'day', 'week', 'working', 'hours', 'burnout'],
  },
];

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/**
 * The sources for a query: every entry sharing at least two words with it, best match first (ties by
 * id), at most three. No match gives an empty list.
 */
export function searchSources(query: string): Source[] {
  const words = new Set(wordsOf(query));
  return LIBRARY.map((entry) => ({ entry, score: entry.keywords.filter((k) => words.has(k)).length }))
    .filter(({ score }) => score >= 2)
    .sort((a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id))
    .slice(0, 3)
    .map(({ entry: { id, title, url, finding } }) => ({ id, title, url, finding }));
}
