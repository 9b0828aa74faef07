/**
 * A read model an owner module exposes to the hot paths of others: a column the owner computes
 * from its own tables in the SQL of a statement written elsewhere, and how to read it from the
 * row. The owner writes the SQL on its tables; the caller composes it into one round trip.
 */
export interface ReadModel<T> {
  /** The select-list item, named `column`, computed for the row whose id is `key` (an SQL expression). */
  select(key: string): string;
  /** The column's name; statements that compute it are prepared under it. */
  column: string;
  read(row: Record<string, unknown>): T;
}

/** Two owners' read models computed in one statement, read as a pair. */
export function bothReadModels<A, B>(first: ReadModel<A>, second: ReadModel<B>): ReadModel<[A, B]> {
  return {
    column: `${first.column}_and_${second.column}`,
    select: (key) => `${first.select(key)}, ${second.select(key)}`,
    read: (row) => [first.read(row), second.read(row)],
  };
}
