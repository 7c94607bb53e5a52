// The contract every pub/sub driver passes: ids increase within a topic, every subscriber (of every
// process) gets every event in id order, and a topic's replay log answers "what came after id N",
// or says it no longer knows.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { PubSub, SequencedMessage } from '../../src/infra/pubsub/port.js'

export const CONTRACT_REPLAY_SIZE = 5

export interface PubSubHarness {
  pubsub: PubSub
  /** Another handle on the same pub/sub (another process, for a shared driver). */
  peer: PubSub
  close(): Promise<void>
}

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const topic = () => `place:${randomUUID()}`

export function pubSubContract(start: () => Promise<PubSubHarness>) {
  let harness: PubSubHarness
  const received: SequencedMessage[] = []
  const receivedByPeer: SequencedMessage[] = []
  beforeAll(async () => {
    harness = await start()
    harness.pubsub.subscribe((message) => received.push(message))
    harness.peer.subscribe((message) => receivedByPeer.push(message))
    await until(() => harness.pubsub.connected() && harness.peer.connected(), 'both subscribed')
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('numbers events with ids that increase, and delivers them to every subscriber in order', async () => {
    const [a, b] = [topic(), topic()]
    const ids: number[] = []
    for (let n = 0; n < 6; n++) {
      ids.push(await harness.pubsub.publish({ topic: n % 2 ? a : b, type: 'test', data: { n } }))
    }
    expect(ids).toEqual([...ids].sort((x, y) => x - y))
    expect(new Set(ids).size).toBe(ids.length)
    for (const seen of [received, receivedByPeer]) {
      await until(() => seen.filter((m) => m.topic === a || m.topic === b).length === 6, 'all six')
      const mine = seen.filter((m) => m.topic === a || m.topic === b)
      expect(mine.map((m) => m.id)).toEqual(ids)
      expect(mine.map((m) => m.data.n)).toEqual([0, 1, 2, 3, 4, 5])
      expect(mine[1]).toEqual({ topic: a, type: 'test', data: { n: 1 }, id: ids[1] })
    }
  })

  it('replays what came after an id, from any handle', async () => {
    const t = topic()
    const ids: number[] = []
    for (let n = 0; n < 4; n++) ids.push(await harness.peer.publish({ topic: t, type: 'test', data: { n } }))
    const replay = await harness.pubsub.since(t, ids[1]!)
    expect(replay).toEqual({
      events: [
        { topic: t, type: 'test', data: { n: 2 }, id: ids[2] },
        { topic: t, type: 'test', data: { n: 3 }, id: ids[3] },
      ],
    })
    expect(await harness.pubsub.since(t, ids[3]!)).toEqual({ events: [] })
    const [last, unused] = await harness.pubsub.latest([t, topic()])
    expect(last).toBe(ids[3])
    expect(unused).toBeLessThan(ids[0]!)
  })

  it("replays from a topic's latest id before its first event; an id older than every log is a gap", async () => {
    await harness.pubsub.publish({ topic: topic(), type: 'test', data: {} })
    const t = topic()
    const [before] = await harness.pubsub.latest([t])
    expect(await harness.pubsub.since(t, before!)).toEqual({ events: [] })
    const id = await harness.pubsub.publish({ topic: t, type: 'test', data: {} })
    expect(id).toBeGreaterThan(before!)
    expect(await harness.peer.since(t, before!)).toEqual({
      events: [{ topic: t, type: 'test', data: {}, id }],
    })
    expect(await harness.peer.since(t, 0)).toEqual({ gap: true })
    expect(await harness.peer.since(topic(), 0)).toEqual({ gap: true })
  })

  it('says `gap` when the log no longer holds every event after the id', async () => {
    const t = topic()
    const ids: number[] = []
    for (let n = 0; n < CONTRACT_REPLAY_SIZE + 2; n++) {
      ids.push(await harness.pubsub.publish({ topic: t, type: 'test', data: { n } }))
    }
    // The log keeps the last CONTRACT_REPLAY_SIZE: ids[2] onwards. After ids[1] it has them all.
    expect(await harness.peer.since(t, ids[0]!)).toEqual({ gap: true })
    const replay = await harness.peer.since(t, ids[1]!)
    expect('events' in replay && replay.events.map((e) => e.id)).toEqual(ids.slice(2))
  })
}
