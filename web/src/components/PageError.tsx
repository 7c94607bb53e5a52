// A page that fails while rendering shows what to do next instead of a blank screen; the rest of
// the app (header, navigation) keeps working, and the next page starts afresh.
import { Component, type ReactNode } from 'react'
import { useI18n } from '../i18n'
import { paths } from '../lib/paths'
import { PageHeading } from './ui'

function PageFailed() {
  const { t } = useI18n()
  return (
    <div className="container narrow section center" role="alert">
      <PageHeading>{t('error.pageTitle')}</PageHeading>
      <p>{t('error.pageText')}</p>
      <p>
        <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
          {t('error.reload')}
        </button>{' '}
        <a href={paths.home()} className="btn btn-ghost">
          {t('error.home')}
        </a>
      </p>
    </div>
  )
}

export class PageErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false }

  static getDerivedStateFromError() {
    return { failed: true }
  }

  override componentDidCatch(error: unknown) {
    console.error('the page failed to render', error)
  }

  override render() {
    return this.state.failed ? <PageFailed /> : this.props.children
  }
}
