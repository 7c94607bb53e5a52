// The account menu of a signed-in member (their picture, their pages, logging out): loaded with
// the session, not in the first download (a visitor never sees it).
import { useQueryClient } from '@tanstack/react-query'
import type { Me } from '../api/types'
import { useI18n } from '../i18n'
import { paths } from '../lib/paths'
import { Link } from '../lib/router'
import { Avatar } from './Avatar'
import { logOut } from './log-out'

export default function AccountMenu({ user }: { user: Me }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  return (
    <details className="account-menu">
      <summary>
        <span aria-hidden="true">
          <Avatar user={user} />
        </span>
        <span className="account-name" aria-hidden="true">
          {user.first_name}
        </span>
        <span className="visually-hidden">{t('nav.accountMenu', { name: user.first_name })}</span>
      </summary>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: closes the menu after a choice */}
      <div
        className="menu"
        onClick={(event) => {
          const details = event.currentTarget.closest('details')
          if (details && (event.target as HTMLElement).closest('a, button')) details.open = false
        }}
      >
        <Link to={paths.account()}>{t('nav.profile')}</Link>
        <Link to={paths.trips()}>{t('nav.trips')}</Link>
        <Link to={paths.wishlists()}>{t('nav.wishlists')}</Link>
        <Link to={paths.inbox()}>{t('nav.inbox')}</Link>
        <Link to={paths.notifications()}>{t('nav.notifications')}</Link>
        <Link to={paths.host()}>{t('nav.host')}</Link>
        <Link to={paths.reservations()}>{t('nav.reservations')}</Link>
        {user.is_admin && <Link to={paths.admin()}>{t('nav.admin')}</Link>}
        <button type="button" onClick={() => void logOut(() => queryClient.clear())}>
          {t('nav.logout')}
        </button>
      </div>
    </details>
  )
}
