import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors.js'
import { currencyCode, toMajorUnits, toMinorUnits } from '../../src/modules/places/money.js'
import { email, isValidEmail, password, requiredText, textProblem } from '../../src/modules/validation.js'

function rejects(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).status).toBe(400)
    return (error as AppError).message
  }
  throw new Error('expected a 400')
}

describe('field rules', () => {
  it('accepts ordinary addresses', () => {
    for (const value of ['a@b.fr', 'first.last+tag@sub.example.com', 'x_y@domain-name.io']) {
      expect(isValidEmail(value), value).toBe(true)
    }
  })

  it('rejects malformed addresses', () => {
    for (const value of [
      'a@@b.fr',
      'x@domain..com',
      'no-at-sign',
      '@b.fr',
      'a@',
      'a@b',
      'a b@c.fr',
      '.a@b.fr',
      'a.@b.fr',
      'a@-b.fr',
    ]) {
      expect(isValidEmail(value), value).toBe(false)
    }
  })

  it('trims emails and names', () => {
    expect(email('  a@b.fr ')).toBe('a@b.fr')
    expect(requiredText('first_name', '  Ada  ', 50)).toBe('Ada')
  })

  it('requires non-empty text within the limit, counting after trimming', () => {
    expect(rejects(() => requiredText('first_name', '   ', 50))).toBe('first_name must not be empty')
    expect(rejects(() => requiredText('first_name', 'x'.repeat(51), 50))).toBe(
      'first_name must be at most 50 characters',
    )
    expect(requiredText('first_name', ` ${'x'.repeat(50)} `, 50)).toHaveLength(50)
    expect(rejects(() => requiredText('first_name', undefined, 50))).toBe('first_name is required')
  })

  it('checks password presence and length', () => {
    expect(rejects(() => password('', 1))).toBe('password is required')
    expect(rejects(() => password('short', 8))).toBe('password must be at least 8 characters')
    expect(password('long-enough', 8)).toBe('long-enough')
  })
})

describe('money', () => {
  it('stores prices in minor units of the currency', () => {
    expect(toMinorUnits(100.5, 'EUR')).toBe(10050)
    expect(toMinorUnits(0.1 + 0.2, 'USD')).toBe(30)
    expect(toMinorUnits(16000, 'JPY')).toBe(16000)
    expect(toMajorUnits(10050, 'EUR')).toBe(100.5)
    expect(toMajorUnits(16000, 'JPY')).toBe(16000)
  })

  it('rejects amounts that round to nothing or overflow, saying the rule, and unknown currencies', () => {
    expect(rejects(() => toMinorUnits(0.001, 'USD'))).toBe('price must be at least 0.01 USD')
    expect(rejects(() => toMinorUnits(20_000_000.01, 'USD'))).toBe('price must be at most 20000000 USD')
    expect(rejects(() => toMinorUnits(2_000_001, 'KWD', 'cleaning_fee'))).toBe(
      'cleaning_fee must be at most 2000000 KWD',
    )
    expect(toMinorUnits(20_000_000, 'USD')).toBe(2_000_000_000)
    expect(rejects(() => currencyCode('XYZ1'))).toMatch(/not an ISO 4217 currency code/)
    expect(currencyCode('eur')).toBe('EUR')
  })
})

describe('text', () => {
  it('refuses C0, DEL and C1 control characters; multi-line text keeps tabs and line breaks', () => {
    for (const bad of ['a\u0000b', 'a\u0007', '\u001b[31m', 'a\u007f', 'a\u0085b', 'a\u009f']) {
      expect(textProblem(bad, false), JSON.stringify(bad)).toMatch(/control characters/)
      expect(textProblem(bad, true), JSON.stringify(bad)).toMatch(/control characters/)
    }
    expect(textProblem('one\ntwo', false)).toMatch(/line breaks and tabs included/)
    expect(textProblem('a\tb', false)).toMatch(/control characters/)
    expect(textProblem('one\r\ntwo\n\tthree', true)).toBeUndefined()
    expect(textProblem('\t Ada \n', false)).toBeUndefined()
    expect(textProblem('\u0000Ada', false)).toMatch(/control characters/)
  })

  it('accepts any well-formed Unicode and refuses unpaired surrogates', () => {
    for (const good of ['Café', '🏠🇫🇷👩‍👩‍👧', '\u202eevil\u200b', `e${'\u0301'.repeat(5)}`, '日本語', '']) {
      expect(textProblem(good, false), JSON.stringify(good)).toBeUndefined()
    }
    expect(textProblem('a\ud800b', false)).toMatch(/unpaired surrogate/)
    expect(textProblem('a\udc00', true)).toMatch(/unpaired surrogate/)
  })
})
