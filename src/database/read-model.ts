/**
 * A read model an owner module exposes to the hot paths of others: a column the owner computes
 * from its own tables in the SQL of a statement written elsewhere, and how to read it from the
 * row. The owner writes the SQL on its tables; the caller composes it into one round trip.
 */
export interface ReadModel<T> {
  /** The select-list item, named `column`, computed for the row whose id is `key` (an SQL expression). */
  select(key: string): string;
  column: string;
  read(row: Record<string, unknown>): T;
}
