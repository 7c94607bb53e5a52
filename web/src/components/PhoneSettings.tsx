// The profile's phone number: add one, type the code the server texts to it, see it verified,
// change or remove it. Text messages only ever go to a verified number.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react'
import { ApiError, api, unwrap } from '../api/client'
import { accountQueries } from '../api/queries/users'
import type { NotificationPreferences, PhoneStatus } from '../api/types'
import { type Translate, useI18n } from '../i18n'
import { errorMessage } from '../lib/errors'
import { ErrorBox, Notice, Skeleton } from './ui'

/** The id of the phone section, whose first field the notification settings can send focus to. */
export const PHONE_SECTION_ID = 'phone'

/** E.164, as the server wants it: a plus, a country code not starting with 0, 7 to 15 digits. */
const E164 = /^\+[1-9]\d{6,14}$/

/** What people type (`+33 6 12-34.56 78`, `0033…`) in the server's form (`+33612345678`). */
export function normalizePhone(input: string): string {
  const compact = input.replace(/[\s\-.()/]/g, '')
  return compact.startsWith('00') ? `+${compact.slice(2)}` : compact
}

/** A wrong code, with the attempts left for it (the server's count, read again after the error). */
class WrongCode extends Error {
  constructor(readonly attemptsLeft: number) {
    super('wrong_code')
  }
}

/** Codes that leave the code typed useless: only a new code helps. */
const NEEDS_NEW_CODE = new Set(['code_expired', 'too_many_attempts', 'no_code', 'code_used'])

function phoneErrorMessage(t: Translate, error: unknown): string {
  if (error instanceof WrongCode) {
    return error.attemptsLeft > 0
      ? t('phone.error.wrongCode', { count: error.attemptsLeft })
      : t('phone.error.noAttemptsLeft')
  }
  if (error instanceof ApiError) {
    if (error.code === 'code_sent_recently') {
      const seconds = error.retryAfter ?? Number(/(\d+)\s*s\b/.exec(error.message)?.[1])
      return seconds ? t('phone.error.codeSentRecentlyIn', { seconds }) : t('phone.error.code_sent_recently')
    }
    const known = `phone.error.${error.code}` as Parameters<Translate>[0]
    const message = t(known)
    if (message !== known) return message
  }
  return errorMessage(t, error)
}

function needsNewCode(error: unknown): boolean {
  if (error instanceof WrongCode) return error.attemptsLeft === 0
  return error instanceof ApiError && NEEDS_NEW_CODE.has(error.code)
}

export function PhoneSettings({ userId }: { userId: string }) {
  const { t, locale } = useI18n()
  const queryClient = useQueryClient()
  const query = accountQueries.phone(userId)
  const key = query.queryKey
  const status = useQuery(query)
  /** The number a code was sent to, while its form shows (undefined: whatever the server has pending). */
  const [codeFor, setCodeFor] = useState<string | null | undefined>(undefined)
  /** Changing a verified number: the number form shows next to it. */
  const [editing, setEditing] = useState(false)
  const [confirmRemove, setConfirmRemove] = useState(false)
  /** The last thing done, said once (and focused, so screen readers read it). */
  const [done, setDone] = useState<string | null>(null)
  const [number, setNumber] = useState('')
  const [numberProblem, setNumberProblem] = useState<string | null>(null)
  const [code, setCode] = useState('')
  const [codeProblem, setCodeProblem] = useState<string | null>(null)
  const [resent, setResent] = useState(false)

  const ids = useId()
  const numberInput = useRef<HTMLInputElement>(null)
  const codeInput = useRef<HTMLInputElement>(null)
  const resendButton = useRef<HTMLButtonElement>(null)
  const changeButton = useRef<HTMLButtonElement>(null)
  const removeYes = useRef<HTMLButtonElement>(null)
  const doneRef = useRef<HTMLDivElement>(null)
  /** Where focus goes after the next render (the element that state change brings). */
  const [focusNext, setFocusNext] = useState<
    'number' | 'code' | 'resend' | 'change' | 'remove' | 'done' | null
  >(null)
  useEffect(() => {
    if (!focusNext) return
    const target = {
      number: numberInput,
      code: codeInput,
      resend: resendButton,
      change: changeButton,
      remove: removeYes,
      done: doneRef,
    }[focusNext].current
    target?.focus()
    setFocusNext(null)
  }, [focusNext])

  const settled = (next: PhoneStatus) => {
    queryClient.setQueryData(key, next)
    // The notification settings show the verified number and turn the SMS switches on or off:
    // at once, then as the server has them.
    const preferences = accountQueries.notificationPreferences(userId).queryKey
    queryClient.setQueryData<NotificationPreferences>(
      preferences,
      (old) => old && { ...old, phone: next.phone },
    )
    void queryClient.invalidateQueries({ queryKey: preferences })
  }

  const send = useMutation({
    mutationFn: (phone: string) => unwrap(api.PUT('/api/v1/users/me/phone', { body: { phone } })),
    onSuccess: (next, phone) => {
      settled(next)
      setCodeFor(next.pending?.phone ?? phone)
      setEditing(false)
      setCode('')
      setCodeProblem(null)
      verify.reset()
      setFocusNext('code')
    },
  })

  const verify = useMutation({
    mutationFn: async (typed: string) => {
      try {
        return await unwrap(api.POST('/api/v1/users/me/phone/verify', { body: { code: typed } }))
      } catch (error) {
        if (error instanceof ApiError && error.code === 'wrong_code') {
          // The server counts the attempts: read them again (none left: nothing is pending).
          const fresh = await unwrap(api.GET('/api/v1/users/me/phone')).catch(() => null)
          if (fresh) queryClient.setQueryData(key, fresh)
          const parsed = Number(/(\d+) attempts? left/.exec(error.message)?.[1] ?? 0)
          throw new WrongCode(fresh ? (fresh.pending?.attempts_left ?? 0) : parsed)
        }
        throw error
      }
    },
    onSuccess: (next) => {
      settled(next)
      setCodeFor(null)
      setCode('')
      setDone(t('phone.verifiedNotice', { phone: next.phone ?? '' }))
      setFocusNext('done')
    },
    onError: (error) => {
      if (needsNewCode(error)) setFocusNext('resend')
      else setFocusNext('code')
    },
  })

  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/users/me/phone')),
    onSuccess: () => {
      settled({ phone: null, verified_at: null, pending: null })
      setConfirmRemove(false)
      setCodeFor(null)
      setDone(t('phone.removedNotice'))
      setFocusNext('done')
    },
  })

  if (status.isPending) {
    return (
      <PhoneCard>
        <Skeleton lines={2} />
      </PhoneCard>
    )
  }
  if (status.error) {
    return (
      <PhoneCard>
        <ErrorBox error={status.error} onRetry={() => void status.refetch()} />
      </PhoneCard>
    )
  }
  const data = status.data
  const waitingFor = codeFor === undefined ? (data.pending?.phone ?? null) : codeFor
  const pending = data.pending && data.pending.phone === waitingFor ? data.pending : null
  const time = (iso: string) =>
    new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { timeStyle: 'short' }).format(new Date(iso))
  const date = (iso: string) =>
    new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long' }).format(new Date(iso))

  const submitNumber = (event: FormEvent) => {
    event.preventDefault()
    setDone(null)
    const phone = normalizePhone(number)
    if (!phone) {
      setNumberProblem(t('phone.required'))
      setFocusNext('number')
      return
    }
    if (!E164.test(phone)) {
      setNumberProblem(t('phone.error.invalid_phone'))
      setFocusNext('number')
      return
    }
    if (phone === data.phone) {
      setNumberProblem(t('phone.error.phone_already_verified'))
      setFocusNext('number')
      return
    }
    setNumberProblem(null)
    setResent(false)
    send.mutate(phone)
  }

  const submitCode = (event: FormEvent) => {
    event.preventDefault()
    setDone(null)
    const typed = code.replace(/\s/g, '')
    if (!/^\d{6}$/.test(typed)) {
      setCodeProblem(t('phone.codeFormat'))
      setFocusNext('code')
      return
    }
    setCodeProblem(null)
    verify.mutate(typed)
  }

  const resend = () => {
    if (!waitingFor) return
    setDone(null)
    setCodeProblem(null)
    send.mutate(waitingFor, { onSuccess: () => setResent(true) })
  }

  const doneNotice = done && (
    <div ref={doneRef} tabIndex={-1} className="phone-done">
      <Notice kind="success">
        <p data-testid="phone-done">{done}</p>
      </Notice>
    </div>
  )

  // A code was sent: type it (or send another, or use another number).
  if (waitingFor) {
    const stuck = needsNewCode(verify.error)
    const verifyProblem = codeProblem ?? (verify.error ? phoneErrorMessage(t, verify.error) : null)
    const sendProblem = send.error ? phoneErrorMessage(t, send.error) : null
    const described = [`${ids}-code-hint`, verifyProblem && `${ids}-code-error`].filter(Boolean).join(' ')
    return (
      <PhoneCard>
        {data.phone && (
          <p className="muted small" data-testid="phone-current">
            {t('phone.current', { phone: data.phone })}
          </p>
        )}
        <form className="form" onSubmit={submitCode} noValidate data-testid="phone-code">
          <p id={`${ids}-sent`}>
            {resent ? t('phone.resent', { phone: waitingFor }) : t('phone.codeSent', { phone: waitingFor })}{' '}
            {pending && !stuck && t('phone.codeUntil', { time: time(pending.expires_at) })}
          </p>
          <div className={`field ${verifyProblem ? 'field-invalid' : ''}`}>
            <label htmlFor={`${ids}-code`}>{t('phone.code')}</label>
            <input
              ref={codeInput}
              id={`${ids}-code`}
              name="code"
              className="code-input"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={7}
              value={code}
              disabled={stuck}
              aria-invalid={Boolean(verifyProblem)}
              aria-describedby={described}
              onChange={(e) => {
                setCode(e.target.value)
                if (codeProblem) setCodeProblem(null)
              }}
            />
            <p className="hint" id={`${ids}-code-hint`}>
              {t('phone.codeHint')}
            </p>
            {verifyProblem && (
              <p className="field-error" id={`${ids}-code-error`} role="alert" data-testid="phone-code-error">
                {verifyProblem}
              </p>
            )}
          </div>
          {sendProblem && <Notice kind="error">{sendProblem}</Notice>}
          <div className="form-actions start">
            {!stuck && (
              <button type="submit" className="btn btn-primary" disabled={verify.isPending}>
                {verify.isPending ? t('phone.verifying') : t('phone.verify')}
              </button>
            )}
            <button
              ref={resendButton}
              type="button"
              className={`btn ${stuck ? 'btn-primary' : 'btn-ghost'}`}
              disabled={send.isPending}
              onClick={resend}
            >
              {send.isPending ? t('phone.sending') : t('phone.resend')}
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setCodeFor(null)
                setNumber(data.phone ? '' : waitingFor)
                setEditing(true)
                send.reset()
                verify.reset()
                setResent(false)
                setFocusNext('number')
              }}
            >
              {t('phone.otherNumber')}
            </button>
          </div>
        </form>
        {doneNotice}
      </PhoneCard>
    )
  }

  // A verified number (unless it is being changed).
  if (data.phone && !editing) {
    return (
      <PhoneCard>
        {doneNotice}
        <div className="phone-verified" data-testid="phone-verified">
          <p className="phone-number">{data.phone}</p>
          <p className="email-verified">
            <span aria-hidden="true">✓ </span>
            {data.verified_at ? t('phone.verifiedOn', { date: date(data.verified_at) }) : t('phone.verified')}
          </p>
        </div>
        {confirmRemove ? (
          <div className="phone-remove stack">
            <p id={`${ids}-remove`}>{t('phone.removeConfirm', { phone: data.phone })}</p>
            {remove.error && <ErrorBox error={remove.error} />}
            <div className="form-actions start">
              <button
                ref={removeYes}
                type="button"
                aria-describedby={`${ids}-remove`}
                className="btn btn-danger"
                disabled={remove.isPending}
                onClick={() => remove.mutate()}
              >
                {remove.isPending ? t('phone.removing') : t('phone.removeYes')}
              </button>
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => {
                  setConfirmRemove(false)
                  remove.reset()
                  setFocusNext('change')
                }}
              >
                {t('phone.removeNo')}
              </button>
            </div>
          </div>
        ) : (
          <div className="form-actions start">
            <button
              ref={changeButton}
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setDone(null)
                setNumber('')
                setNumberProblem(null)
                send.reset()
                setEditing(true)
                setFocusNext('number')
              }}
            >
              {t('phone.change')}
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setDone(null)
                setConfirmRemove(true)
                setFocusNext('remove')
              }}
            >
              {t('phone.remove')}
            </button>
          </div>
        )}
      </PhoneCard>
    )
  }

  // No number yet, or a new one for a verified number.
  const problem = numberProblem ?? (send.error ? phoneErrorMessage(t, send.error) : null)
  const described = [`${ids}-number-hint`, problem && `${ids}-number-error`].filter(Boolean).join(' ')
  return (
    <PhoneCard>
      {doneNotice}
      {data.phone ? (
        <p className="muted small" data-testid="phone-current">
          {t('phone.current', { phone: data.phone })}
        </p>
      ) : (
        <p className="muted">{t('phone.lead')}</p>
      )}
      <form className="form" onSubmit={submitNumber} noValidate data-testid="phone-form">
        <div className={`field ${problem ? 'field-invalid' : ''}`}>
          <label htmlFor={`${ids}-number`}>{data.phone ? t('phone.newLabel') : t('phone.label')}</label>
          <input
            ref={numberInput}
            id={`${ids}-number`}
            name="phone"
            type="tel"
            autoComplete="tel"
            maxLength={32}
            value={number}
            aria-invalid={Boolean(problem)}
            aria-describedby={described}
            onChange={(e) => {
              setNumber(e.target.value)
              if (numberProblem) setNumberProblem(null)
            }}
          />
          <p className="hint" id={`${ids}-number-hint`}>
            {t('phone.hint')}
          </p>
          {problem && (
            <p className="field-error" id={`${ids}-number-error`} role="alert">
              {problem}
            </p>
          )}
        </div>
        <div className="form-actions start">
          <button type="submit" className="btn btn-primary" disabled={send.isPending}>
            {send.isPending ? t('phone.sending') : t('phone.send')}
          </button>
          {data.phone && (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setEditing(false)
                setNumberProblem(null)
                send.reset()
                setFocusNext('change')
              }}
            >
              {t('phone.keep', { phone: data.phone })}
            </button>
          )}
        </div>
      </form>
    </PhoneCard>
  )
}

function PhoneCard({ children }: { children: ReactNode }) {
  const { t } = useI18n()
  return (
    <section
      className="card section-tight stack settings-card"
      id={PHONE_SECTION_ID}
      aria-labelledby="phone-title"
    >
      <h2 id="phone-title">{t('phone.title')}</h2>
      {children}
    </section>
  )
}
