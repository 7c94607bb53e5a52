import { describe, expect, it } from 'vitest'
import { AddressMatcher, addressList } from '../../src/addresses.js'
import { ConfigError, loadConfig } from '../../src/config.js'

describe('address lists (trusted proxies, rate-limit allow-list)', () => {
  it('parses addresses, CIDRs and named ranges; none is empty', () => {
    expect(addressList(' 10.0.0.1, 10.1.0.0/16 ,::1, 2001:db8::/32 ')).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
      '::1',
      '2001:db8::/32',
    ])
    expect(addressList('loopback')).toEqual(['127.0.0.0/8', '::1/128'])
    expect(addressList('none')).toEqual([])
  })

  it('refuses anything else, naming it', () => {
    for (const bad of ['10.0.0.256', '10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '::1/129']) {
      expect(() => addressList(`10.0.0.1,${bad}`)).toThrow(bad)
    }
  })

  it('matches addresses in the list, IPv4 written as IPv6 included', () => {
    const matcher = new AddressMatcher(addressList('10.1.0.0/16, 192.0.2.7, loopback'))
    for (const address of ['10.1.200.3', '192.0.2.7', '::ffff:10.1.0.9', '127.0.0.1', '::1']) {
      expect(matcher.matches(address), address).toBe(true)
    }
    for (const address of ['10.2.0.1', '192.0.2.8', '2001:db8::1', 'not-an-address']) {
      expect(matcher.matches(address), address).toBe(false)
    }
    expect(new AddressMatcher([]).matches('127.0.0.1')).toBe(false)
  })

  it('reads HBNB_TRUST_PROXY as true/false or a list, and HBNB_RATE_LIMIT_* settings', () => {
    expect(loadConfig({}, false).trustProxy).toBe(false)
    expect(loadConfig({ HBNB_TRUST_PROXY: 'true' }, false).trustProxy).toBe(true)
    expect(loadConfig({ HBNB_TRUST_PROXY: '10.0.0.1,10.2.0.0/16' }, false).trustProxy).toEqual([
      '10.0.0.1',
      '10.2.0.0/16',
    ])
    const config = loadConfig(
      { HBNB_RATE_LIMIT_IP: '0', HBNB_RATE_LIMIT_ACCOUNT: '3', HBNB_RATE_LIMIT_ALLOW: '10.9.0.0/16' },
      false,
    )
    expect([config.rateLimitPerAddress, config.rateLimitPerAccount, config.rateLimitAllow]).toEqual([
      0,
      3,
      ['10.9.0.0/16'],
    ])
    expect(() => loadConfig({ HBNB_TRUST_PROXY: 'maybe' }, false)).toThrow(ConfigError)
  })
})
