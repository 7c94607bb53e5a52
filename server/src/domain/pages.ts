// Keyset pages: what a list asks for and what it answers, whoever serves it (routes send a page as a
// JSON array with paging headers, see http/pagination.ts).

export interface PageRequest {
  limit: number
  /** Id of the last item of the previous page; items come in id order. */
  after: string | undefined
}

export interface Page<T> {
  items: T[]
  /** Sent as X-Total-Count when known. */
  total?: number
  nextCursor: string | undefined
}

/** A page of rows as a repository reads it (db/keyset.ts), each row shown as `view` shows it. */
export function mapPage<Row, T>(
  rows: { items: Row[]; nextCursor: string | undefined },
  view: (row: Row) => T,
  total?: number,
): Page<T> {
  return { items: rows.items.map(view), total, nextCursor: rows.nextCursor }
}
