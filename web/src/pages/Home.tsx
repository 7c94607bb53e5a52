import { useQuery } from '@tanstack/react-query'
import { searchQueries } from '../api/queries/search'
import { PlaceCard } from '../components/PlaceCard'
import { SearchForm } from '../components/SearchForm'
import { PlaceCardPlaceholder, StagedCards } from '../components/StagedCards'
import { ErrorBox } from '../components/ui'
import { useI18n } from '../i18n'
import { useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { Link } from '../lib/router'

export function Home() {
  const { t } = useI18n()
  useTitle(undefined)
  const top = useQuery(searchQueries.home())
  const cities = [...new Set((top.data?.results ?? []).map((p) => p.city).filter(Boolean))].slice(0, 8)
  return (
    <>
      <section className="hero">
        <div className="container">
          <h1 className="hero-title">{t('home.title')}</h1>
          <p className="hero-lead">{t('home.lead')}</p>
          <SearchForm initial={{ q: '', check_in: '', check_out: '', guests: '' }} />
        </div>
      </section>
      <div className="container section">
        {(top.isPending || cities.length > 0) && (
          <section aria-labelledby="cities-title" className="section">
            <h2 id="cities-title">{t('home.destinations')}</h2>
            <ul className="chips">
              {/* While the listings load, chips of the same height hold the place of the cities. */}
              {top.isPending &&
                [1, 2, 3].map((n) => (
                  <li key={n} aria-hidden="true">
                    <span className="chip" style={PENDING_CHIP}>
                      {'\u00a0'}
                    </span>
                  </li>
                ))}
              {cities.map((city) => (
                <li key={city}>
                  <Link className="chip" to={paths.search({ q: city })}>
                    {city}
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        )}
        <section aria-labelledby="top-title" className="section">
          <div className="section-head">
            <h2 id="top-title">{t('home.topRated')}</h2>
            <Link to={paths.search()}>{t('home.seeAll')}</Link>
          </div>
          {top.isPending && <CardsPending count={8} label={t('common.loading')} />}
          {top.error && <ErrorBox error={top.error} onRetry={() => top.refetch()} />}
          {top.data && (
            <div className="card-grid">
              <StagedCards
                items={top.data.results.slice(0, 8)}
                card={(place) => <PlaceCard key={place.id} place={place} />}
              />
            </div>
          )}
        </section>
        <section className="host-cta">
          <div>
            <h2>{t('home.hostTitle')}</h2>
            <p>{t('home.hostLead')}</p>
          </div>
          <Link to={paths.newListing()} className="btn btn-dark">
            {t('home.hostButton')}
          </Link>
        </section>
      </div>
    </>
  )
}

const PENDING_CHIP = { display: 'inline-block', width: '6rem', opacity: 0.4 }

/** Cards' places while they load, at their size: the sections below do not move when they come. */
function CardsPending({ count, label }: { count: number; label: string }) {
  return (
    <div className="card-grid" role="status" aria-label={label}>
      {Array.from({ length: count }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <PlaceCardPlaceholder key={i} />
      ))}
    </div>
  )
}
