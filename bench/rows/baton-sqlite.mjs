// Baton with the SQLite store: the store does not exist yet, so this row is reported, not measured.
export const row = {
  id: 'baton-sqlite',
  label: 'Baton, SQLite store',
  packages: ['baton'],
  notMeasured: 'no SQLite store yet',
};
