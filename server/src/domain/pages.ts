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

/** Repositories fetch one row more than asked to learn whether a next page exists. */
export function toPage<T extends { id: string }>(rows: T[], limit: number, total?: number): Page<T> {
  const items = rows.slice(0, limit)
  const nextCursor = rows.length > limit ? items[items.length - 1]?.id : undefined
  return { items, total, nextCursor }
}
