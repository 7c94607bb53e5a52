// The topics a client may name: `user:<id>`, `place:<id>`, `conversation:<id>`.

export type TopicKind = 'user' | 'place' | 'conversation'

const TOPIC = /^(user|place|conversation):([A-Za-z0-9-]{1,64})$/

export function parseTopic(
  topic: string | undefined,
): { topic: string; kind: TopicKind; id: string } | undefined {
  const match = topic === undefined ? null : TOPIC.exec(topic)
  if (!match) return undefined
  return { topic: topic!, kind: match[1] as TopicKind, id: match[2]! }
}
