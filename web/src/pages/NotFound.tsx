import { PageHeading } from '../components/ui'
import { useI18n } from '../i18n'
import { useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { Link } from '../lib/router'

export function NotFound() {
  const { t } = useI18n()
  useTitle(t('notFound.title'))
  return (
    <div className="container narrow section center">
      <PageHeading>{t('notFound.title')}</PageHeading>
      <p>{t('notFound.text')}</p>
      <Link to={paths.home()} className="btn btn-primary">
        {t('notFound.home')}
      </Link>
    </div>
  )
}

/** Pages that need an account send visitors to log in first, then back. */
export function NeedLogin() {
  const { t } = useI18n()
  const here = window.location.pathname + window.location.search
  return (
    <div className="container narrow section center">
      <PageHeading>{t('auth.needLogin')}</PageHeading>
      <p>{t('auth.needLoginText')}</p>
      <Link to={paths.login({ next: here })} className="btn btn-primary">
        {t('nav.login')}
      </Link>{' '}
      <Link to={paths.signup(here)} className="btn btn-ghost">
        {t('nav.signup')}
      </Link>
    </div>
  )
}
