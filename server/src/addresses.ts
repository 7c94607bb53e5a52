// Lists of IP addresses and CIDR ranges from the configuration (trusted proxies, the rate-limit
// allow-list), and matching a client address against them.
import { BlockList, isIP } from 'node:net'

/** Names that stand for well-known ranges, so operators need not spell them out. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

/**
 * Parses `10.0.0.1, 10.1.0.0/16, ::1, loopback` into addresses and CIDRs (names expanded).
 * `none` (or nothing) is the empty list. Throws on anything else, naming the bad entry.
 */
export function addressList(raw: string): string[] {
  const entries = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
  if (entries.length === 1 && entries[0]?.toLowerCase() === 'none') return []
  return entries.flatMap((entry) => {
    const named = NAMED_RANGES[entry.toLowerCase()]
    if (named) return named
    if (!parseEntry(entry)) {
      throw new Error(
        `expected IP addresses or CIDRs (or ${Object.keys(NAMED_RANGES).join(', ')}), got ${entry}`,
      )
    }
    return [entry]
  })
}

function parseEntry(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, ...rest] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) return null
  const family = version === 4 ? 'ipv4' : 'ipv6'
  const bits = version === 4 ? 32 : 128
  if (prefixText === undefined) return { address, prefix: bits, family }
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return null
  return { address, prefix: Number(prefixText), family }
}

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, as dual-stack sockets report it) as plain IPv4. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return mapped ? mapped[1]! : address
}

/** Answers remembered per address: a client sends many requests, and each check costs a parse. */
const REMEMBERED_ADDRESSES = 1024

/** Tells whether a client address is in a list made by `addressList`. */
export class AddressMatcher {
  private readonly list = new BlockList()
  private readonly answers = new Map<string, boolean>()
  readonly empty: boolean

  constructor(entries: string[]) {
    this.empty = entries.length === 0
    for (const entry of entries) {
      const parsed = parseEntry(entry)
      if (parsed) this.list.addSubnet(parsed.address, parsed.prefix, parsed.family)
    }
  }

  matches(address: string): boolean {
    if (this.empty) return false
    let answer = this.answers.get(address)
    if (answer === undefined) {
      answer = this.check(address)
      if (this.answers.size >= REMEMBERED_ADDRESSES) this.answers.clear()
      this.answers.set(address, answer)
    }
    return answer
  }

  private check(address: string): boolean {
    const plain = plainAddress(address)
    const version = isIP(plain)
    if (version === 0) return false
    return this.list.check(plain, version === 4 ? 'ipv4' : 'ipv6')
  }
}
