import { useQueries, useQuery } from '@tanstack/react-query'
import { ApiError, api, unwrap } from '../api/client'
import type { PlaceSummary } from '../api/types'
import { useSession } from './hooks'

// The API lists published places only; a host's drafts and suspended listings are found by the ids
// this browser remembers when they are created or opened (until the API lists a host's own places).
const KEY = (userId: string) => `hbnb.listings.${userId}`

export function rememberListing(userId: string, placeId: string) {
  try {
    const ids = new Set(JSON.parse(localStorage.getItem(KEY(userId)) ?? '[]') as string[])
    ids.add(placeId)
    localStorage.setItem(KEY(userId), JSON.stringify([...ids]))
  } catch {
    // no storage
  }
}

function remembered(userId: string): string[] {
  try {
    return JSON.parse(localStorage.getItem(KEY(userId)) ?? '[]') as string[]
  } catch {
    return []
  }
}

async function allPublished(): Promise<PlaceSummary[]> {
  return unwrap(api.GET('/api/v1/places/', { params: { query: { limit: 1000 } } }))
}

export function useMyListings() {
  const { session } = useSession()
  const userId = session?.user.id ?? ''
  const published = useQuery({
    queryKey: ['places', 'all'],
    queryFn: allPublished,
    enabled: Boolean(session),
  })
  const mine = (published.data ?? []).filter((p) => p.owner_id === userId)
  const known = new Set(mine.map((p) => p.id))
  const extra = useQueries({
    queries: (session ? remembered(userId) : [])
      .filter((id) => !known.has(id))
      .map((id) => ({
        queryKey: ['place', id],
        queryFn: () => unwrap(api.GET('/api/v1/places/{id}', { params: { path: { id } } })),
        retry: (failures: number, error: Error) => !(error instanceof ApiError) && failures < 2,
      })),
  })
  const others = extra.flatMap((q) => (q.data && q.data.owner_id === userId ? [q.data as PlaceSummary] : []))
  const listings = [...others, ...mine].sort((a, b) => b.created_at.localeCompare(a.created_at))
  return { listings, isPending: published.isPending, error: published.error, refetch: published.refetch }
}
