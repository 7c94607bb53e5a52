import { useQuery, useQueryClient } from '@tanstack/react-query'
import { lazy, type ReactNode, Suspense } from 'react'
import { conversationQueries, conversationsChanged } from '../api/queries/messaging'
import { notificationQueries } from '../api/queries/notifications'
import { clearSignedOutReason } from '../api/session'
import { LOCALES, type Locale, useI18n } from '../i18n'
import { useLiveTopic, useOnline, useSession } from '../lib/hooks'
import { paths } from '../lib/paths'
import { Link, useLocation } from '../lib/router'

/** A member's account menu, loaded with their session (main.tsx starts it early): not a visitor's. */
const AccountMenu = lazy(() => import('./AccountMenu'))

/** Live events of my own topic that change my conversations or notifications. */
const INBOX_EVENTS = new Set(['message.created', 'conversation.read', 'resync'])
const NOTICE_EVENTS = new Set(['notification.created', 'resync'])

/**
 * How many of my messages and notifications are unread. Kept live: the events of my `user:` topic
 * (a message sent or read in any of my conversations, a new notification; `resync` after a gap)
 * make the inbox, the open conversation, the notification list and these counts fetch again.
 */
function useUnread(userId: string | undefined) {
  const enabled = Boolean(userId)
  const queryClient = useQueryClient()
  useLiveTopic(userId ? `user:${userId}` : null, (event) => {
    if (INBOX_EVENTS.has(event.type)) {
      void conversationsChanged(queryClient)
    }
    if (NOTICE_EVENTS.has(event.type)) {
      void queryClient.invalidateQueries({ queryKey: notificationQueries.all() })
    }
  })
  const messages = useQuery({ ...conversationQueries.unread(userId), enabled, staleTime: 15_000 })
  const notices = useQuery({ ...notificationQueries.unread(userId), enabled, staleTime: 15_000 })
  return { messages: messages.data?.messages ?? 0, notifications: notices.data?.unread ?? 0 }
}

function CountBadge({ count, label }: { count: number; label: string }) {
  if (count <= 0) return null
  return (
    <span className="badge">
      <span aria-hidden="true">{count > 99 ? '99+' : count}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  )
}

function NavLink({ to, children, icon }: { to: string; children: ReactNode; icon?: string }) {
  const { pathname } = useLocation()
  const active = to === '/' ? pathname === '/' : pathname.startsWith(to)
  return (
    <Link
      to={to}
      className={`nav-link ${active ? 'is-active' : ''}`}
      aria-current={active ? 'page' : undefined}
    >
      {icon && (
        <span className="nav-icon" aria-hidden="true">
          {icon}
        </span>
      )}
      <span>{children}</span>
    </Link>
  )
}

export function Layout({ children }: { children: ReactNode }) {
  const { t, locale, setLocale } = useI18n()
  const { session, signedOut } = useSession()
  const online = useOnline()
  const user = session?.user
  const unread = useUnread(user?.id)
  return (
    <>
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to={paths.home()} className="logo" aria-label={t('nav.homeLabel')}>
            <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
              <rect width="32" height="32" rx="7" fill="currentColor" />
              <path d="M16 6 6 14v12h7v-7h6v7h7V14z" fill="#fff" />
            </svg>
            <span>HBNB</span>
          </Link>
          <nav className="main-nav" aria-label={t('nav.main')}>
            <NavLink to={paths.search()}>{t('nav.explore')}</NavLink>
            {user && <NavLink to={paths.trips()}>{t('nav.trips')}</NavLink>}
            {user && <NavLink to={paths.wishlists()}>{t('nav.wishlists')}</NavLink>}
            {user && (
              <NavLink to={paths.inbox()}>
                {t('nav.inbox')}
                <CountBadge count={unread.messages} label={t('inbox.unread', { count: unread.messages })} />
              </NavLink>
            )}
            {user && <NavLink to={paths.host()}>{t('nav.host')}</NavLink>}
            {user?.is_admin && <NavLink to={paths.admin()}>{t('nav.admin')}</NavLink>}
          </nav>
          <div className="header-tools">
            <label className="locale-select">
              <span className="visually-hidden">{t('nav.language')}</span>
              <select value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
                {Object.entries(LOCALES).map(([code, name]) => (
                  <option key={code} value={code} lang={code}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            {user && (
              <Link to={paths.notifications()} className="bell" data-testid="notification-bell">
                <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                  <path
                    d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0"
                    fill="none"
                    stroke="currentColor"
                    strokeWidth="1.8"
                    strokeLinejoin="round"
                  />
                </svg>
                <span className="visually-hidden">{t('nav.notifications')}</span>
                <CountBadge
                  count={unread.notifications}
                  label={t('notifications.unreadCount', { count: unread.notifications })}
                />
              </Link>
            )}
            {user ? (
              <Suspense fallback={null}>
                <AccountMenu user={user} />
              </Suspense>
            ) : (
              <>
                <Link to={paths.login()} className="btn btn-ghost btn-small">
                  {t('nav.login')}
                </Link>
                <Link to={paths.signup()} className="btn btn-primary btn-small hide-phone">
                  {t('nav.signup')}
                </Link>
              </>
            )}
          </div>
        </div>
      </header>
      {signedOut === 'expired' && (
        <div className="alert alert-info session-banner" role="status">
          <div className="container banner-inner">
            <span>{t('auth.sessionExpired')}</span>
            <span>
              <Link
                to={paths.login({ next: window.location.pathname })}
                className="btn btn-small btn-primary"
              >
                {t('nav.login')}
              </Link>{' '}
              <button type="button" className="btn btn-small btn-ghost" onClick={clearSignedOutReason}>
                {t('common.dismiss')}
              </button>
            </span>
          </div>
        </div>
      )}
      {!online && (
        <div className="alert alert-info offline-banner" role="status" data-testid="offline-banner">
          <div className="container banner-inner">
            <span>
              <strong>{t('offline.title')}</strong> {t('offline.banner')}
            </span>
          </div>
        </div>
      )}
      <main id="main" className="site-main">
        {children}
      </main>
      <footer className="site-footer">
        <div className="container footer-inner">
          <span>{t('footer.tagline')}</span>
          <a href="/api/v1/">{t('footer.api')}</a>
        </div>
      </footer>
      <nav className="tab-bar" aria-label={t('nav.mobile')}>
        <NavLink to={paths.search()} icon="⌕">
          {t('nav.explore')}
        </NavLink>
        <NavLink to={paths.wishlists()} icon="♡">
          {t('nav.wishlists')}
        </NavLink>
        <NavLink to={paths.trips()} icon="✈">
          {t('nav.trips')}
        </NavLink>
        {user && (
          <NavLink to={paths.inbox()} icon="✉">
            {t('nav.inbox')}
            <CountBadge count={unread.messages} label={t('inbox.unread', { count: unread.messages })} />
          </NavLink>
        )}
        <NavLink to={paths.host()} icon="⌂">
          {t('nav.host')}
        </NavLink>
        <NavLink to={user ? paths.account() : paths.login()} icon="◉">
          {user ? t('nav.profile') : t('nav.login')}
        </NavLink>
      </nav>
    </>
  )
}
