// A page about one listing: its detail loading, then the page, or what went wrong and a way back.
import { useQuery } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { placeQueries } from '../api/queries/places'
import type { PlaceDetail } from '../api/types'
import { useI18n } from '../i18n'
import { isOffline } from '../lib/errors'
import { paths } from '../lib/paths'
import { Link } from '../lib/router'
import { ErrorBox, PageHeading, Skeleton } from './ui'

export function PlaceLoader({ id, children }: { id: string; children: (place: PlaceDetail) => ReactNode }) {
  const { t } = useI18n()
  const place = useQuery(placeQueries.detail(id))
  if (place.isPending) {
    return (
      <div className="container section">
        <Skeleton lines={8} />
      </div>
    )
  }
  if (place.error) {
    return (
      <div className="container section">
        <PageHeading>{isOffline(place.error) ? t('offline.title') : t('place.notFoundTitle')}</PageHeading>
        <ErrorBox error={place.error} onRetry={() => place.refetch()} />
        <Link to={paths.search()}>{t('place.backToSearch')}</Link>
      </div>
    )
  }
  return children(place.data)
}
