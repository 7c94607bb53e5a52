import { type ReactNode, useEffect, useId, useRef } from 'react'
import { useI18n } from '../i18n'
import { errorMessage } from '../lib/errors'
import { useOnline } from '../lib/hooks'
import { navigate } from '../lib/router'

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n()
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  )
}

export function Skeleton({ lines = 3 }: { lines?: number }) {
  const { t } = useI18n()
  return (
    <div className="skeleton" role="status" aria-label={t('common.loading')}>
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <span key={i} className="skeleton-line" />
      ))}
    </div>
  )
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  )
}

/** `action`: the error of something the user did (offline, it needed a connection). */
export function ErrorBox({
  error,
  onRetry,
  action,
}: {
  error: unknown
  onRetry?: () => void
  action?: boolean
}) {
  const { t } = useI18n()
  return (
    <div className="alert alert-error" role="alert">
      <p>{errorMessage(t, error, { action })}</p>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  )
}

export function Notice({
  kind = 'info',
  children,
}: {
  kind?: 'info' | 'success' | 'error'
  children: ReactNode
}) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  )
}

/**
 * Offline only: says which actions of the page need a connection (they are disabled meanwhile),
 * rather than letting them fail or wait.
 */
export function OfflineNote({ children }: { children: ReactNode }) {
  const online = useOnline()
  if (online) return null
  return (
    <p className="alert alert-info offline-note" role="status" data-testid="offline-note">
      {children}
    </p>
  )
}

export function Stars({ value, count }: { value: number; count?: number }) {
  const { t, number } = useI18n()
  if (!count) return <span className="muted">{t('place.noReviewsYet')}</span>
  return (
    <span className="stars">
      <span aria-hidden="true">★ </span>
      <span>{number(value, 2)}</span>
      {count !== undefined && <span className="muted"> · {t('place.reviewCount', { count })}</span>}
    </span>
  )
}

interface FieldProps {
  label: string
  error?: string | undefined
  hint?: string | undefined
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode
  className?: string
}

/** A labelled form control with its hint and error message, linked for screen readers. */
export function Field({ label, error, hint, children, className }: FieldProps) {
  const id = useId()
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')
  return (
    <div className={`field ${error ? 'field-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': Boolean(error),
        ...(described ? { 'aria-describedby': described } : {}),
      })}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  )
}

interface DialogProps {
  open: boolean
  title: string
  onClose: () => void
  children: ReactNode
  /** `wide`: nearly the whole screen (a photo viewer). */
  size?: 'wide'
}

/** A modal dialog (the native <dialog>): focus moves in, Escape closes, focus returns after. */
export function Dialog({ open, title, onClose, children, size }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) dialog.showModal()
    if (!open && dialog.open) dialog.close()
  }, [open])
  return (
    <dialog
      ref={ref}
      className={size === 'wide' ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onClose={onClose}
    >
      <h2 id={titleId}>{title}</h2>
      {open && children}
    </dialog>
  )
}

/** Moves focus to the page's heading when the page changes, so screen readers announce it. */
export function PageHeading({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (
      document.activeElement === document.body ||
      document.activeElement?.closest('a, [data-focus-heading]')
    ) {
      ref.current?.focus({ preventScroll: true })
    }
  }, [])
  return (
    <h1 ref={ref} tabIndex={-1} className={className}>
      {children}
    </h1>
  )
}

/** The end of a paged list: how much of it shows, and a button for the next page. */
export function ShowMore({
  shown,
  total,
  label,
  loading,
  onMore,
}: {
  shown: number
  total: number
  label: string
  loading: boolean
  onMore: () => void
}) {
  const { t } = useI18n()
  return (
    <div className="show-more">
      <p className="muted small">{t('common.showing', { shown, count: total })}</p>
      <button type="button" className="btn btn-ghost" disabled={loading} onClick={onMore}>
        {loading ? t('common.loading') : label}
      </button>
    </div>
  )
}

/** Tabs that live in the page's URL (`<path>?tab=<name>`), so a tab can be linked and reloaded. */
export function UrlTabs<T extends string>({
  label,
  hrefOf,
  tabs,
  current,
  labelOf,
}: {
  label: string
  /** The page's URL with this tab shown. */
  hrefOf: (tab: T) => string
  tabs: readonly T[]
  current: T
  labelOf: (tab: T) => string
}) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((name) => (
        <button
          key={name}
          type="button"
          role="tab"
          aria-selected={current === name}
          className={`tab ${current === name ? 'is-active' : ''}`}
          onClick={() => navigate(hrefOf(name), { replace: true })}
        >
          {labelOf(name)}
        </button>
      ))}
    </div>
  )
}
