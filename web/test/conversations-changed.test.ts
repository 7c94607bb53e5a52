// After a change to conversations, the inbox opened next shows it, even when a fetch of the inbox
// off screen (the one after a read, which keeps the offline copy current) was still running: that
// fetch's answer may predate the change. The query cache is the client's own (TanStack Query), with
// the app's stale time; the inbox's answers are held until the test lets them through.
import { QueryClient, QueryObserver } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import { conversationQueries, conversationsChanged } from '../src/api/queries/messaging'

const KEY = conversationQueries.inbox('host').queryKey

/** An inbox whose fetches read `latest` when they start and answer when `answer()` is called. */
function heldInbox() {
  let latest = 'the question'
  const held: (() => void)[] = []
  return {
    change: (text: string) => {
      latest = text
    },
    answer: () => {
      for (const release of held.splice(0)) release()
    },
    fetches: () => held.length,
    queryFn: () => {
      const read = latest
      return new Promise<string>((resolve) => held.push(() => resolve(read)))
    },
  }
}

async function setUp() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: false } } })
  const inbox = heldInbox()
  const first = queryClient.fetchQuery({ queryKey: KEY, queryFn: inbox.queryFn })
  inbox.answer()
  await first
  // A conversation was read: the inbox, not on screen, is fetched again for its offline copy.
  void queryClient.refetchQueries({ queryKey: conversationQueries.inboxes(), type: 'inactive' })
  expect(inbox.fetches()).toBe(1)
  return { queryClient, inbox }
}

/** What the inbox shows once opened and done fetching. */
async function openInbox(queryClient: QueryClient, inbox: ReturnType<typeof heldInbox>) {
  const observer = new QueryObserver(queryClient, { queryKey: KEY, queryFn: inbox.queryFn })
  const unsubscribe = observer.subscribe(() => {})
  for (let i = 0; i < 10 && inbox.fetches() > 0; i++) {
    inbox.answer()
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  const shown = observer.getCurrentResult().data
  unsubscribe()
  return shown
}

describe('conversations changed', () => {
  it('shows the change in the inbox opened next, though a fetch from before it was still running', async () => {
    const { queryClient, inbox } = await setUp()
    // The user answers meanwhile: the message is saved, then the conversations have changed.
    inbox.change('the answer')
    const changed = conversationsChanged(queryClient)
    expect(await openInbox(queryClient, inbox)).toBe('the answer')
    await changed
  })

  it('would have shown the inbox from before the change with an invalidation alone', async () => {
    const { queryClient, inbox } = await setUp()
    inbox.change('the answer')
    void queryClient.invalidateQueries({ queryKey: conversationQueries.all() })
    // The old fetch answers after the invalidation, which it clears: the inbox counts as fresh.
    expect(await openInbox(queryClient, inbox)).toBe('the question')
  })
})
