// The forms of HBNB_REDIS_URL: one server, a Redis Cluster, or a primary found through Redis Sentinel.
//
//   redis://[user:password@]host:6379[/db]            one server (rediss:// for TLS)
//   redis+cluster://[user:password@]host:port,host:port,...   a Redis Cluster: any of its nodes
//   redis+sentinel://[user:password@]host:port,host:port,.../<primary name>[/db]
//
// `rediss+cluster://` and `rediss+sentinel://` speak TLS to the Redis servers. The user and
// password are those of the Redis servers (with Sentinel, the sentinels are asked without them).

export interface RedisNode {
  host: string
  port: number
}

export type RedisTarget =
  | { kind: 'server'; url: string }
  | { kind: 'cluster'; nodes: RedisNode[]; username?: string; password?: string; tls: boolean }
  | {
      kind: 'sentinel'
      sentinels: RedisNode[]
      name: string
      db: number
      username?: string
      password?: string
      tls: boolean
    }

const FORM = /^(rediss?)\+(cluster|sentinel):\/\/(?:([^@/]*)@)?([^/?#]+)(\/[^?#]*)?$/

/** Parses HBNB_REDIS_URL; throws an Error saying what is expected. */
export function parseRedisUrl(raw: string): RedisTarget {
  const value = raw.trim()
  if (/^rediss?:\/\/[^,]+$/.test(value)) return { kind: 'server', url: value }
  const match = FORM.exec(value)
  if (!match) {
    throw new Error(
      'expected redis://host:6379, redis+cluster://host:port,host:port or redis+sentinel://host:26379,host:26379/<primary name>',
    )
  }
  const [, scheme, kind, userinfo, hostList, path] = match
  const tls = scheme === 'rediss'
  const credentials = parseUserinfo(userinfo)
  const defaultPort = kind === 'sentinel' ? 26379 : 6379
  const nodes = hostList!.split(',').map((part) => parseNode(part.trim(), defaultPort))
  if (kind === 'cluster') {
    if (path && path !== '/') throw new Error('a Redis Cluster has only database 0: give no /<db>')
    return { kind: 'cluster', nodes, ...credentials, tls }
  }
  const [name, db = '0', ...rest] = (path ?? '').split('/').filter(Boolean)
  if (!name || rest.length > 0 || !/^\d+$/.test(db)) {
    throw new Error('expected redis+sentinel://host:26379,host:26379/<primary name>[/<db>]')
  }
  return {
    kind: 'sentinel',
    sentinels: nodes,
    name: decodeURIComponent(name),
    db: Number(db),
    ...credentials,
    tls,
  }
}

function parseUserinfo(userinfo: string | undefined): { username?: string; password?: string } {
  if (!userinfo) return {}
  const colon = userinfo.indexOf(':')
  const username = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon))
  const password = colon < 0 ? undefined : decodeURIComponent(userinfo.slice(colon + 1))
  return { ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}) }
}

function parseNode(part: string, defaultPort: number): RedisNode {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(part)
  const port = Number(match?.[2] ?? defaultPort)
  if (!match || port < 1 || port > 65535) throw new Error(`expected host:port, got "${part}"`)
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port }
}
