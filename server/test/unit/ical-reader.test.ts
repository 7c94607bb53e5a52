import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { nightsOf } from '../../src/dates.js'
import { FeedError } from '../../src/modules/ical/fetch.js'
import { type ImportWindow, readFeed } from '../../src/modules/ical/reader.js'

// Feeds shaped as Airbnb, Booking.com, VRBO, Google Calendar, Outlook/Office 365 and Apple
// Calendar export them (CRLF lines, folding, escaped text, VTIMEZONEs, their own properties).
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/ical/${name}.ics`, import.meta.url), 'utf8')

/** 2027 and 2028, as an import on 2027-01-01 would read (it reads two years ahead). */
const window = (timeZone: string): ImportWindow => ({ from: '2027-01-01', to: '2029-01-01', timeZone })
const nights = (text: string, timeZone: string) => readFeed(text, window(timeZone)).nights
const calendar = (...lines: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR', ''].join('\r\n')
const event = (uid: string, ...lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, ...lines, 'END:VEVENT']

describe('real calendar exports', () => {
  it('fixtures are sent as exporters send them: CRLF lines of at most 75 octets', () => {
    for (const name of ['airbnb', 'booking', 'vrbo', 'google', 'outlook', 'apple']) {
      const text = fixture(name)
      expect(text.replace(/\r\n/g, ''), name).not.toMatch(/[\r\n]/)
      for (const line of text.split('\r\n')) expect(Buffer.byteLength(line), name).toBeLessThanOrEqual(75)
    }
  })

  it('Airbnb: all-day reservations and blocks, the check-out day free', () => {
    const reading = readFeed(fixture('airbnb'), window('Europe/Paris'))
    expect(reading.events).toBe(3)
    expect(reading.unreadable).toEqual([])
    expect(reading.occurrences.map((o) => [o.summary, o.start, o.end])).toEqual([
      ['Reserved', '2027-01-05', '2027-01-08'],
      ['Airbnb (Not available)', '2027-01-14', '2027-01-20'],
      ['Reserved', '2027-01-20', '2027-01-21'],
    ])
    // DTSTART 20270105, DTEND 20270108: the nights of the 5th, 6th and 7th.
    expect(reading.nights).toEqual([
      ...['2027-01-05', '2027-01-06', '2027-01-07'],
      ...nightsOf('2027-01-14', '2027-01-21'),
    ])
    // The same nights whatever the listing's zone: dates are dates.
    expect(nights(fixture('airbnb'), 'Pacific/Kiritimati')).toEqual(reading.nights)
  })

  it('Booking.com and VRBO: all-day closures', () => {
    expect(nights(fixture('booking'), 'Europe/Rome')).toEqual([
      '2027-02-12',
      '2027-02-13',
      '2027-02-14',
      '2027-03-01',
    ])
    expect(nights(fixture('vrbo'), 'America/Denver')).toEqual(nightsOf('2027-04-05', '2027-04-12'))
  })

  it('Google Calendar: weekly series with UNTIL, COUNT, EXDATE, a moved and a cancelled instance', () => {
    const reading = readFeed(fixture('google'), window('Europe/Lisbon'))
    // Two series and one single event; the cancelled event is not counted.
    expect(reading.events).toBe(3)
    expect(reading.unreadable).toEqual([])
    // Every Sunday from 10 January to 7 March (UNTIL), but 31 January (EXDATE). Google marks
    // all-day events free (TRANSP:TRANSPARENT): they block all the same.
    const sundays = ['01-10', '01-17', '01-24', '02-07', '02-14', '02-21', '02-28', '03-07'].map(
      (d) => `2027-${d}`,
    )
    // 23:00 to 01:00 on Mondays, five times (COUNT): the 5th; not the 12th (EXDATE); the 19th
    // moved to Wednesday the 21st (RECURRENCE-ID); the 26th cancelled; 3 May.
    const lateSlots = ['2027-04-05', '2027-04-21', '2027-05-03']
    // 14:00 UTC on 1 June to 10:00 UTC on 3 June; the cancelled 1-5 July blocks nothing.
    const friends = ['2027-06-01', '2027-06-02']
    expect(reading.nights).toEqual([...sundays, ...lateSlots, ...friends])
    expect(reading.occurrences.find((o) => o.start === '2027-04-21')?.summary).toBe(
      'Late check-in slot (moved)',
    )
    expect(reading.occurrences[0]?.summary).toBe('Owner, Sundays')
  })

  it('Google Calendar in another zone: a timed instance takes the night of its local date', () => {
    // 23:00 in Lisbon (summer time) is 07:00 the next day in Tokyo, 01:00 is 09:00.
    const tokyo = nights(fixture('google'), 'Asia/Tokyo')
    expect(tokyo).toEqual(expect.arrayContaining(['2027-04-06', '2027-04-22', '2027-05-04']))
    expect(tokyo).not.toContain('2027-04-05')
    expect(tokyo).not.toContain('2027-04-13')
  })

  it('Outlook: a Windows zone name defined by the VTIMEZONE, every other weekend, a moved one, an EXDATE', () => {
    const reading = readFeed(fixture('outlook'), window('Europe/Berlin'))
    expect(reading.events).toBe(2)
    expect(reading.unreadable).toEqual([])
    // Friday 18:00 to Sunday 10:00 every two weeks until 28 May (UNTIL in UTC, 18:00 there):
    // 2 April; 16 April moved to Saturday 17 to Monday 19; 30 April taken out; 14 and 28 May.
    // 20-21 May: an all-day event marked free (transparent), which blocks.
    expect(reading.nights).toEqual([
      ...['2027-04-02', '2027-04-03', '2027-04-17', '2027-04-18'],
      ...['2027-05-14', '2027-05-15', '2027-05-20', '2027-05-21', '2027-05-28', '2027-05-29'],
    ])
    expect(reading.occurrences.map((o) => o.summary)).toContain('Maintenance weekend (plumber)')
    // Friday 18:00 in Berlin is Saturday 01:00 in Tokyo and Sunday 10:00 is Sunday 17:00: the
    // zone is read from the feed's VTIMEZONE, since "W. Europe Standard Time" is no IANA name.
    expect(nights(fixture('outlook'), 'Asia/Tokyo').slice(0, 2)).toEqual(['2027-04-03', '2027-04-17'])
  })

  it('Apple Calendar: a yearly series with COUNT, RDATEs, a night across midnight', () => {
    const reading = readFeed(fixture('apple'), window('America/New_York'))
    expect(reading.events).toBe(2)
    expect(reading.nights).toEqual([
      ...nightsOf('2027-06-01', '2027-06-08'),
      // 21:00 to 10:00 the next day: the night it starts; DTSTART and the two RDATEs.
      ...['2027-07-02', '2027-07-16', '2027-07-23'],
      ...nightsOf('2028-06-01', '2028-06-08'),
    ])
    // 21:00 in New York is 03:00 the next day in Paris; 10:00 is 16:00 the same day: one night.
    expect(nights(fixture('apple'), 'Europe/Paris')).toEqual(
      expect.arrayContaining(['2027-07-03', '2027-07-17', '2027-07-24']),
    )
    expect(nights(fixture('apple'), 'Europe/Paris')).not.toContain('2027-07-02')
  })
})

describe('recurrence', () => {
  it('stops a series without end at the end of the window', () => {
    const text = calendar(...event('daily', 'DTSTART;VALUE=DATE:20270301', 'RRULE:FREQ=DAILY'))
    expect(nights(text, 'UTC')).toEqual(nightsOf('2027-03-01', '2029-01-01'))
  })

  it('counts nights of an occurrence that began before the window, and none of those before it', () => {
    const text = calendar(
      ...event(
        'weekly',
        'DTSTART;VALUE=DATE:20261228',
        'DTEND;VALUE=DATE:20270103',
        'RRULE:FREQ=WEEKLY;COUNT=2',
      ),
    )
    expect(nights(text, 'UTC')).toEqual([
      ...nightsOf('2027-01-01', '2027-01-03'),
      ...nightsOf('2027-01-04', '2027-01-10'),
    ])
  })

  it('finds the nights of a long series begun years ago that reach into the window', () => {
    const text = calendar(
      ...event('y', 'DTSTART;VALUE=DATE:20161225', 'DTEND;VALUE=DATE:20170104', 'RRULE:FREQ=YEARLY'),
    )
    expect(nights(text, 'UTC')).toEqual([
      ...nightsOf('2027-01-01', '2027-01-04'),
      ...nightsOf('2027-12-25', '2028-01-04'),
      ...nightsOf('2028-12-25', '2029-01-01'),
    ])
  })

  it('keeps DTSTART as the first occurrence with RDATEs only, or an RRULE it does not match', () => {
    const rdates = calendar(
      ...event('r', 'DTSTART;VALUE=DATE:20270105', 'RDATE;VALUE=DATE:20270110,20270120'),
    )
    expect(nights(rdates, 'UTC')).toEqual(['2027-01-05', '2027-01-10', '2027-01-20'])
    // A Wednesday start of a Thursdays-only rule, as Apple's apps let one make.
    const offRule = calendar(
      ...event('w', 'DTSTART;VALUE=DATE:20270106', 'RRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL=20270108'),
    )
    expect(nights(offRule, 'UTC')).toEqual(['2027-01-06', '2027-01-07'])
    const excluded = calendar(
      ...event('x', 'DTSTART;VALUE=DATE:20270105', 'RDATE;VALUE=DATE:20270110', 'EXDATE;VALUE=DATE:20270105'),
    )
    expect(nights(excluded, 'UTC')).toEqual(['2027-01-10'])
  })

  it('reads an override whose series is not in the feed as an event of its own', () => {
    const text = calendar(
      ...event(
        'orphan',
        'RECURRENCE-ID:20270301T100000Z',
        'DTSTART:20270302T100000Z',
        'DTEND:20270304T100000Z',
      ),
    )
    expect(nights(text, 'UTC')).toEqual(['2027-03-02', '2027-03-03'])
  })

  it('cancels a whole series by its STATUS, overrides with it', () => {
    const text = calendar(
      ...event('s', 'DTSTART;VALUE=DATE:20270105', 'RRULE:FREQ=DAILY;COUNT=3', 'STATUS:CANCELLED'),
      ...event('s', 'RECURRENCE-ID;VALUE=DATE:20270106', 'DTSTART;VALUE=DATE:20270110'),
    )
    expect(readFeed(text, window('UTC'))).toMatchObject({ events: 0, nights: [] })
  })
})

describe('leniency and refusals', () => {
  it('reads a byte order mark, a value broken without folding, several calendars in one file', () => {
    const text = `\uFEFF${calendar(
      ...event('a', 'DTSTART;VALUE=DATE:20270105', 'DESCRIPTION:first line', 'second line without a space'),
    )}${calendar(...event('b', 'DTSTART;VALUE=DATE:20270107'))}`
    const reading = readFeed(text, window('UTC'))
    expect(reading.nights).toEqual(['2027-01-05', '2027-01-07'])
    expect(reading.unreadable).toEqual([])
  })

  it('leaves out an event it cannot read and tells why, reading the others', () => {
    const text = calendar(
      ...event('fine', 'DTSTART;VALUE=DATE:20270105'),
      ...event('broken', 'DTSTART:2027xx05T100000Z'),
    )
    const reading = readFeed(text, window('UTC'))
    expect(reading.nights).toEqual(['2027-01-05'])
    expect(reading.unreadable).toHaveLength(1)
    expect(reading.unreadable[0]!.uid).toBe('broken')
    expect(reading.unreadable[0]!.reason).toMatch(/xx/)
  })

  it('refuses a feed the parser cannot read, saying why', () => {
    const unclosed = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'UID:u',
      'DTSTART;VALUE=DATE:20270105',
      'END:VCALENDAR',
    ].join('\r\n')
    expect(() => readFeed(unclosed, window('UTC'))).toThrow(FeedError)
    expect(() => readFeed(unclosed, window('UTC'))).toThrow(/^feed is not valid iCalendar: /)
    const badRule = calendar(...event('r', 'DTSTART;VALUE=DATE:20270105', 'RRULE:FREQ=FORTNIGHTLY'))
    expect(() => readFeed(badRule, window('UTC'))).toThrow(/^feed is not valid iCalendar: invalid frequency/)
  })
})

describe('bounds', () => {
  it('refuses a feed with more occurrences than the limit, counting those before the window', () => {
    const secondly = calendar(...event('s', 'DTSTART:20261231T000000Z', 'RRULE:FREQ=SECONDLY'))
    expect(() => readFeed(secondly, window('UTC'), { maxOccurrences: 1000, timeLimitMs: 10_000 })).toThrow(
      'feed has more than 1000 event occurrences up to 2029-01-01: not imported',
    )
    const longAgo = calendar(...event('d', 'DTSTART;VALUE=DATE:20200101', 'RRULE:FREQ=DAILY'))
    expect(() => readFeed(longAgo, window('UTC'), { maxOccurrences: 2000, timeLimitMs: 10_000 })).toThrow(
      /more than 2000 event occurrences/,
    )
    expect(
      readFeed(longAgo, window('UTC'), { maxOccurrences: 4000, timeLimitMs: 10_000 }).nights,
    ).toHaveLength(731)
  })

  it('stops a rule that would never find its next occurrence, and reads the next feed as usual', () => {
    // No 30 February ever: ical.js would search for one forever.
    const endless = calendar(
      ...event('e', 'DTSTART;VALUE=DATE:20270101', 'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30'),
    )
    expect(() => readFeed(endless, window('UTC'), { maxOccurrences: 20_000, timeLimitMs: 300 })).toThrow(
      'feed took more than 0.3 s to read: not imported',
    )
    expect(nights(fixture('booking'), 'UTC')).toHaveLength(4)
  })
})
