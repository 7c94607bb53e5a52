// Which IP addresses a server-side fetch may connect to: public unicast only. Everything else
// (loopback, private, link-local, unique-local, multicast, documentation, reserved...) could
// reach the machine itself or its private network, so iCal imports refuse it (SSRF).
import { isIPv4, isIPv6 } from 'node:net'

export type AddressKind =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'reserved'
  | 'invalid'

type V4Range = [base: string, prefix: number, kind: AddressKind]

// IANA IPv4 special-purpose registry, plus multicast and the reserved class E.
const V4_RANGES: V4Range[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
]

function v4ToNumber(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0)
}

const V4_MASKS = V4_RANGES.map(([base, prefix, kind]) => {
  const size = 2 ** (32 - prefix)
  const start = v4ToNumber(base)
  return { start, end: start + size - 1, kind }
})

function classifyV4Number(value: number): AddressKind {
  for (const range of V4_MASKS) {
    if (value >= range.start && value <= range.end) return range.kind
  }
  return 'public'
}

/** The eight 16-bit groups of an IPv6 address (zone id allowed), or null when malformed. */
export function parseIPv6(address: string): number[] | null {
  const text = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  if (!isIPv6(text)) return null
  let head = text
  const tail: number[] = []
  // An embedded dotted IPv4 (::ffff:1.2.3.4) gives the last two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const v4 = v4ToNumber(dotted[1]!)
    tail.push(Math.floor(v4 / 65536), v4 % 65536)
    head = text.slice(0, -dotted[1]!.length)
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1)
  }
  const toGroups = (part: string) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : [])
  const [left, right] = head.split('::') as [string, string | undefined]
  const leftGroups = toGroups(left)
  const rightGroups = [...toGroups(right ?? ''), ...tail]
  if (right === undefined) return [...leftGroups, ...tail]
  const missing = 8 - leftGroups.length - rightGroups.length
  return [...leftGroups, ...Array<number>(missing).fill(0), ...rightGroups]
}

function classifyV6(groups: number[]): AddressKind {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const embeddedV4 = (high: number, low: number) => classifyV4Number(high * 65536 + low)
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0
  if (firstFiveZero && g5 === 0 && g6 === 0) {
    if (g7 === 0) return 'unspecified'
    if (g7 === 1) return 'loopback'
  }
  // IPv4-mapped (::ffff:a.b.c.d): the IPv4 address decides.
  if (firstFiveZero && g5 === 0xffff) return embeddedV4(g6, g7)
  // NAT64 well-known prefix (64:ff9b::/96): the embedded IPv4 address decides.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return embeddedV4(g6, g7)
  if (g0 >= 0xff00) return 'multicast'
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local'
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local'
  if ((g0 & 0xffc0) === 0xfec0) return 'private' // deprecated site-local
  // Global unicast is 2000::/3; everything else is unassigned or reserved.
  if ((g0 & 0xe000) !== 0x2000) return 'reserved'
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation'
  if (g0 === 0x3fff && g1 < 0x1000) return 'documentation'
  if (g0 === 0x2001 && g1 < 0x0200) return 'reserved' // IETF protocol assignments, Teredo, ORCHID
  if (g0 === 0x2002) return embeddedV4(g1, g2) // 6to4 carries an IPv4 address
  return 'public'
}

/** What kind of address this is; only 'public' may be fetched from. */
export function classifyAddress(address: string): AddressKind {
  if (isIPv4(address)) return classifyV4Number(v4ToNumber(address))
  const groups = parseIPv6(address)
  return groups ? classifyV6(groups) : 'invalid'
}

export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public'
}
