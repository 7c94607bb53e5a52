// Where the primary's position after each client's last write is remembered for a while, so that
// the client's next reads wait for a replica to apply it or go to the primary (read-your-writes).
// Two drivers: this process's memory, and Redis when several API processes serve the same clients.

export interface RecentWrites {
  /** Remembers that the clients behind `keys` wrote the MariaDB GTID `gtid` (`domain-server-seq`). */
  record(keys: string[], gtid: string): Promise<void>
  /** The newest write position of any of `keys` (GTIDs, one per replication domain), or undefined. */
  lastWrite(keys: string[]): Promise<string | undefined>
}

/** One GTID's parts; sequence numbers grow within a replication domain. */
export interface Gtid {
  domain: string
  server: string
  seq: number
}

export function parseGtid(text: string): Gtid {
  const match = /^(\d+)-(\d+)-(\d+)$/.exec(text.trim())
  if (!match) throw new Error(`not a MariaDB GTID: ${JSON.stringify(text)}`)
  return { domain: match[1]!, server: match[2]!, seq: Number(match[3]) }
}

/** Keeps, per domain, the later of the two GTIDs. */
export function laterGtids(gtids: Iterable<Gtid>): Map<string, Gtid> {
  const byDomain = new Map<string, Gtid>()
  for (const gtid of gtids) {
    const known = byDomain.get(gtid.domain)
    if (!known || known.seq < gtid.seq) byDomain.set(gtid.domain, gtid)
  }
  return byDomain
}

/** A GTID position as MASTER_GTID_WAIT takes it, or undefined when there is none. */
export function gtidPosition(gtids: Iterable<Gtid>): string | undefined {
  const parts = [...gtids].map((g) => `${g.domain}-${g.server}-${g.seq}`)
  return parts.length ? parts.sort().join(',') : undefined
}
