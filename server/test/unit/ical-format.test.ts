import { describe, expect, it } from 'vitest'
import { classifyAddress, isPublicAddress, parseIPv6 } from '../../src/modules/ical/addresses.js'
import {
  contentLines,
  coveredNights,
  escapeText,
  foldLine,
  looksLikeICalendar,
  nightRuns,
  writeCalendar,
} from '../../src/modules/ical/format.js'
import { readFeed } from '../../src/modules/ical/reader.js'
import { entityTag, matchesIfNoneMatch } from '../../src/modules/ical/routes.js'

const octets = (line: string) => Buffer.byteLength(line, 'utf8')
/** Undoes the writer's folding (RFC 5545 3.1). */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '')
/** Reads iCalendar text as an import does, over 2026 and 2027. */
const read = (text: string, timeZone = 'UTC') =>
  readFeed(text, { from: '2026-01-01', to: '2028-01-01', timeZone })
const ranges = (text: string, timeZone = 'UTC') =>
  read(text, timeZone).occurrences.map(({ start, end }) => ({ start, end }))

describe('address classifier', () => {
  it('refuses non-public IPv4 ranges and accepts public ones', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['0.0.0.0', 'unspecified'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'shared'],
      ['169.254.169.254', 'link-local'],
      ['224.0.0.1', 'multicast'],
      ['239.255.255.250', 'multicast'],
      ['255.255.255.255', 'broadcast'],
      ['240.0.0.1', 'reserved'],
      ['192.0.0.8', 'reserved'],
      ['198.18.0.1', 'reserved'],
      ['192.0.2.10', 'documentation'],
      ['203.0.113.5', 'documentation'],
      ['8.8.8.8', 'public'],
      ['1.1.1.1', 'public'],
      ['172.15.255.255', 'public'],
      ['172.32.0.0', 'public'],
      ['100.128.0.0', 'public'],
      ['93.184.216.34', 'public'],
    ]
    for (const [address, kind] of cases) expect(classifyAddress(address), address).toBe(kind)
  })

  it('refuses non-public IPv6 ranges and accepts global unicast', () => {
    const cases: [string, string][] = [
      ['::', 'unspecified'],
      ['::1', 'loopback'],
      ['0:0:0:0:0:0:0:1', 'loopback'],
      ['fe80::1', 'link-local'],
      ['fe80::1%eth0', 'link-local'],
      ['fc00::1', 'unique-local'],
      ['fd12:3456:789a::1', 'unique-local'],
      ['ff02::1', 'multicast'],
      ['fec0::1', 'private'],
      ['2001:db8::1', 'documentation'],
      ['2001::1', 'reserved'],
      ['100::1', 'reserved'],
      ['::2', 'reserved'],
      ['2606:4700:4700::1111', 'public'],
      ['2a00:1450:4007:80c::200e', 'public'],
      ['[2001:4860:4860::8888]', 'public'],
    ]
    for (const [address, kind] of cases) expect(classifyAddress(address), address).toBe(kind)
  })

  it('judges IPv4-mapped, NAT64 and 6to4 IPv6 addresses by the IPv4 address they carry', () => {
    expect(classifyAddress('::ffff:127.0.0.1')).toBe('loopback')
    expect(classifyAddress('::ffff:7f00:1')).toBe('loopback')
    expect(classifyAddress('::FFFF:10.0.0.1')).toBe('private')
    expect(classifyAddress('::ffff:169.254.169.254')).toBe('link-local')
    expect(classifyAddress('0:0:0:0:0:ffff:c0a8:0101')).toBe('private')
    expect(classifyAddress('::ffff:8.8.8.8')).toBe('public')
    expect(classifyAddress('64:ff9b::10.0.0.1')).toBe('private')
    expect(classifyAddress('64:ff9b::8.8.8.8')).toBe('public')
    expect(classifyAddress('2002:7f00:1::')).toBe('loopback')
    expect(classifyAddress('2002:0808:0808::1')).toBe('public')
  })

  it('refuses what is not an address', () => {
    expect(classifyAddress('localhost')).toBe('invalid')
    expect(classifyAddress('256.1.1.1')).toBe('invalid')
    expect(classifyAddress('1::2::3')).toBe('invalid')
    expect(isPublicAddress('')).toBe(false)
    expect(isPublicAddress('8.8.4.4')).toBe(true)
  })

  it('expands IPv6 addresses to eight groups', () => {
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1])
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(parseIPv6('1::8')).toEqual([1, 0, 0, 0, 0, 0, 0, 8])
    expect(parseIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304])
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x0102, 0x0304])
    expect(parseIPv6('nope')).toBeNull()
  })
})

describe('line folding', () => {
  it('leaves lines of up to 75 octets alone', () => {
    const line = `SUMMARY:${'x'.repeat(67)}`
    expect(octets(line)).toBe(75)
    expect(foldLine(line)).toBe(line)
  })

  it('folds longer lines at 75 octets, continuation lines starting with a space', () => {
    const line = `DESCRIPTION:${'abcdefghij'.repeat(20)}`
    const folded = foldLine(line)
    const parts = folded.split('\r\n')
    expect(parts.length).toBe(3)
    for (const part of parts) expect(octets(part)).toBeLessThanOrEqual(75)
    expect(octets(parts[0]!)).toBe(75)
    for (const part of parts.slice(1)) expect(part.startsWith(' ')).toBe(true)
    expect(unfold(folded)).toBe(line)
  })

  it('never splits a multi-byte character', () => {
    const line = `X-WR-CALNAME:${'Zoë’s 🏠 chalet '.repeat(12)}`
    const folded = foldLine(line)
    for (const part of folded.split('\r\n')) {
      expect(octets(part)).toBeLessThanOrEqual(75)
      expect(part).not.toContain('\uFFFD')
      expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part)
    }
    expect(unfold(folded)).toBe(line)
  })

  it('reads folded lines back: CRLF, LF and tab continuations', () => {
    const feed = (eol: string) =>
      [
        'BEGIN:VCALENDAR',
        'BEGIN:VEVENT',
        'UID:u',
        'SUMMARY:Hel',
        ' lo',
        '\tWorld',
        'DTSTART;VALUE=DATE:20260601',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join(eol)
    expect(read(feed('\r\n')).occurrences[0]?.summary).toBe('HelloWorld')
    expect(read(feed('\n')).occurrences[0]?.summary).toBe('HelloWorld')
  })

  it('ends every content line with CRLF', () => {
    expect(contentLines(['A:1', 'B:2'])).toBe('A:1\r\nB:2\r\n')
  })

  it('escapes text values, which read back as they were', () => {
    const text = 'a;b,c\\d\ne'
    expect(escapeText(text)).toBe('a\\;b\\,c\\\\d\\ne')
    const written = writeCalendar({
      name: 'x',
      events: [
        {
          uid: 'u@hbnb',
          start: '2026-06-01',
          end: '2026-06-02',
          summary: text,
          stamp: '2026-01-01T00:00:00Z',
        },
      ],
    })
    expect(read(written).occurrences[0]?.summary).toBe(text)
  })
})

describe('content lines and values', () => {
  const event = (...lines: string[]) =>
    ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:e', ...lines, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n')

  it('reads quoted parameters and DATE values written with or without VALUE=DATE', () => {
    // 15:00 in New York is 04:00 the next day in Tokyo; 17:00 there is 06:00.
    expect(
      ranges(
        event(
          'DTSTART;TZID="America/New_York":20260601T150000',
          'DTEND;TZID="America/New_York":20260601T170000',
        ),
        'Asia/Tokyo',
      ),
    ).toEqual([{ start: '2026-06-02', end: '2026-06-03' }])
    expect(ranges(event('DTSTART;VALUE=DATE:20260601', 'DTEND;VALUE=DATE:20260603'))).toEqual([
      { start: '2026-06-01', end: '2026-06-03' },
    ])
    expect(ranges(event('DTSTART:20260601', 'DTEND:20260603'))).toEqual([
      { start: '2026-06-01', end: '2026-06-03' },
    ])
  })

  it('reads durations', () => {
    expect(ranges(event('DTSTART;VALUE=DATE:20260601', 'DURATION:P2W'))).toEqual([
      { start: '2026-06-01', end: '2026-06-15' },
    ])
    expect(ranges(event('DTSTART:20260601T150000Z', 'DURATION:P1DT2H30M'))).toEqual([
      { start: '2026-06-01', end: '2026-06-02' },
    ])
    expect(ranges(event('DTSTART:20260601T150000Z', 'DURATION:PT36H'))).toEqual([
      { start: '2026-06-01', end: '2026-06-03' },
    ])
  })

  it('recognises iCalendar text', () => {
    expect(looksLikeICalendar('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n')).toBe(true)
    expect(looksLikeICalendar('\uFEFF\r\n  begin:vcalendar\nEND:VCALENDAR')).toBe(true)
    expect(looksLikeICalendar('<html><body>BEGIN:VCALENDAR</body></html>')).toBe(false)
    expect(looksLikeICalendar('BEGIN:VCALENDARX\r\n')).toBe(false)
    expect(looksLikeICalendar('')).toBe(false)
  })
})

const FEED = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Example//Test//EN',
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
  'BEGIN:STANDARD',
  'DTSTART:19701025T030000',
  'END:STANDARD',
  'END:VTIMEZONE',
  'BEGIN:VEVENT',
  'UID:all-day@example',
  'DTSTART;VALUE=DATE:20260601',
  'DTEND;VALUE=DATE:20260604',
  'SUMMARY:Reserved\\, thanks',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:cancelled@example',
  'STATUS:CANCELLED',
  'DTSTART;VALUE=DATE:20260701',
  'DTEND;VALUE=DATE:20260702',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:no-start@example',
  'SUMMARY:broken',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:timed@exam',
  ' ple',
  'DTSTART:20260610T220000Z',
  'DTEND:20260612T090000Z',
  'BEGIN:VALARM',
  'TRIGGER:-PT15M',
  'DTSTART:20000101T000000Z',
  'END:VALARM',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n')

describe('reading a feed', () => {
  it('reads VEVENTs, unfolding lines, ignoring other components and telling unreadable events', () => {
    const { events, unreadable, occurrences } = read(FEED)
    // The cancelled event is not counted, the one without DTSTART is told.
    expect(events).toBe(2)
    expect(unreadable).toEqual([{ uid: 'no-start@example', reason: 'no DTSTART' }])
    expect(occurrences).toEqual([
      { uid: 'all-day@example', summary: 'Reserved, thanks', start: '2026-06-01', end: '2026-06-04' },
      // The VALARM's DTSTART is not the event's.
      { uid: 'timed@example', summary: '', start: '2026-06-10', end: '2026-06-12' },
    ])
  })

  it('turns events into nights of the listing time zone', () => {
    expect(ranges(FEED, 'Europe/Paris')).toEqual([
      { start: '2026-06-01', end: '2026-06-04' },
      // 22:00 UTC is midnight in Paris (summer time), the next day already.
      { start: '2026-06-11', end: '2026-06-12' },
    ])
    expect(ranges(FEED, 'America/New_York')[1]).toEqual({ start: '2026-06-10', end: '2026-06-12' })
  })

  it('takes the date part of floating times and unknown zones, converts known zones', () => {
    const event = (start: string, end: string, params = '') =>
      `BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:t\r\nDTSTART${params}:${start}\r\nDTEND${params}:${end}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`
    expect(ranges(event('20260601T230000', '20260603T100000'), 'Asia/Tokyo')).toEqual([
      { start: '2026-06-01', end: '2026-06-03' },
    ])
    expect(
      ranges(event('20260601T230000', '20260603T100000', ';TZID=Pacific Standard Time'), 'Asia/Tokyo'),
    ).toEqual([{ start: '2026-06-01', end: '2026-06-03' }])
    // 23:00 in New York is 12:00 the next day in Tokyo.
    expect(
      ranges(event('20260601T230000', '20260603T100000', ';TZID=America/New_York'), 'Asia/Tokyo'),
    ).toEqual([{ start: '2026-06-02', end: '2026-06-03' }])
  })

  it('gives one night to an event without an end, or ending on its first day', () => {
    const wrap = (...lines: string[]) =>
      ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:o', ...lines, 'END:VEVENT', 'END:VCALENDAR'].join('\n')
    expect(ranges(wrap('DTSTART;VALUE=DATE:20261231'))).toEqual([{ start: '2026-12-31', end: '2027-01-01' }])
    expect(ranges(wrap('DTSTART:20260601T100000Z', 'DTEND:20260601T120000Z'))).toEqual([
      { start: '2026-06-01', end: '2026-06-02' },
    ])
  })
})

describe('nights of events', () => {
  it('merges overlapping ranges and clips them to the window', () => {
    const ranges = [
      { start: '2026-06-05', end: '2026-06-08' },
      { start: '2026-06-01', end: '2026-06-03' },
      { start: '2026-06-02', end: '2026-06-04' },
      { start: '2026-06-07', end: '2026-06-09' },
      { start: '2025-01-01', end: '2026-05-30' },
      { start: '2026-06-20', end: '2099-01-01' },
    ]
    expect(coveredNights(ranges, '2026-05-29', '2026-06-22')).toEqual([
      '2026-05-29',
      '2026-06-01',
      '2026-06-02',
      '2026-06-03',
      '2026-06-05',
      '2026-06-06',
      '2026-06-07',
      '2026-06-08',
      '2026-06-20',
      '2026-06-21',
    ])
    expect(coveredNights([{ start: '2020-01-01', end: '2020-02-01' }], '2026-01-01', '2027-01-01')).toEqual(
      [],
    )
  })

  it('handles very many long events, giving each night once', () => {
    const ranges = Array.from({ length: 50_000 }, (_, i) => ({
      start: i % 2 ? '2000-01-01' : '2026-01-01',
      end: '2100-01-01',
    }))
    expect(coveredNights(ranges, '2026-01-01', '2028-01-01')).toHaveLength(730)
  })
})

describe('writing a calendar', () => {
  const text = writeCalendar({
    name: 'A very long listing name with accents, éèê, and more words to need folding for sure',
    events: [
      {
        uid: 'u1@hbnb',
        start: '2026-06-01',
        end: '2026-06-04',
        summary: 'Reserved',
        stamp: '2026-05-01T10:20:30.456Z',
      },
      {
        uid: 'u2@hbnb',
        start: '2026-06-04',
        end: '2026-06-05',
        summary: 'Not available',
        stamp: '2026-05-02T00:00:00.000Z',
      },
    ],
  })

  it('is RFC 5545 text: CRLF lines of at most 75 octets, PRODID, VERSION, all-day events', () => {
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true)
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true)
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
    for (const line of text.split('\r\n')) expect(octets(line)).toBeLessThanOrEqual(75)
    expect(text).toContain('\r\nPRODID:')
    expect(text).toContain('\r\nVERSION:2.0\r\n')
    expect(text).toContain('\r\nDTSTART;VALUE=DATE:20260601\r\nDTEND;VALUE=DATE:20260604\r\n')
    expect(text).toContain('\r\nDTSTAMP:20260501T102030Z\r\n')
    expect(text).toContain('\r\nSUMMARY:Not available\r\n')
  })

  it('reads back with the parser', () => {
    expect(read(text).occurrences).toEqual([
      { uid: 'u1@hbnb', summary: 'Reserved', start: '2026-06-01', end: '2026-06-04' },
      { uid: 'u2@hbnb', summary: 'Not available', start: '2026-06-04', end: '2026-06-05' },
    ])
    expect(unfold(text)).toContain('X-WR-CALNAME:A very long listing name with accents\\, éèê\\, and more')
  })

  it('groups consecutive nights of one kind into runs', () => {
    const night = (date: string, kind: 'booking' | 'blocked', created_at = '2026-01-01T00:00:00.000Z') => ({
      night: date,
      kind,
      created_at,
    })
    expect(
      nightRuns([
        night('2026-06-01', 'booking'),
        night('2026-06-02', 'booking', '2026-01-05T00:00:00.000Z'),
        night('2026-06-03', 'blocked'),
        night('2026-06-05', 'blocked'),
        night('2026-06-06', 'blocked'),
      ]),
    ).toEqual([
      { kind: 'booking', start: '2026-06-01', end: '2026-06-03', stamp: '2026-01-05T00:00:00.000Z' },
      { kind: 'blocked', start: '2026-06-03', end: '2026-06-04', stamp: '2026-01-01T00:00:00.000Z' },
      { kind: 'blocked', start: '2026-06-05', end: '2026-06-07', stamp: '2026-01-01T00:00:00.000Z' },
    ])
  })
})

describe('entity tags', () => {
  it('change with the content and match If-None-Match lists, weak or strong', () => {
    const tag = entityTag('a')
    expect(tag).toMatch(/^"[\w-]+"$/)
    expect(entityTag('b')).not.toBe(tag)
    expect(matchesIfNoneMatch(tag, tag)).toBe(true)
    expect(matchesIfNoneMatch(`"other", W/${tag}`, tag)).toBe(true)
    expect(matchesIfNoneMatch('*', tag)).toBe(true)
    expect(matchesIfNoneMatch('"other"', tag)).toBe(false)
    expect(matchesIfNoneMatch(undefined, tag)).toBe(false)
  })
})
