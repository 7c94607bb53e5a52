import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query'
import { lazy, Suspense, useCallback, useMemo, useState } from 'react'
import { amenityQueries } from '../api/queries/amenities'
import { searchQueries } from '../api/queries/search'
import { PlaceCard } from '../components/PlaceCard'
import { SearchForm, searchValues } from '../components/SearchForm'
import { StagedCards } from '../components/StagedCards'
import { Dialog, Empty, ErrorBox, Loading, Notice, PageHeading, Skeleton } from '../components/ui'
import { WhenShown } from '../components/WhenShown'
import { type MessageKey, useI18n } from '../i18n'
import { useLiveTopic, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { navigate, useSearchParams } from '../lib/router'
import { SORTS, searchQuery } from '../lib/search'

const MapView = lazy(() => import('../components/MapView'))

function withParams(params: URLSearchParams, changes: Record<string, string | undefined>) {
  const next = new URLSearchParams(params)
  for (const [name, value] of Object.entries(changes)) {
    if (value) next.set(name, value)
    else next.delete(name)
  }
  return paths.search(next)
}

/** Listings of a dated search followed live (a connection follows at most 100 topics). */
const LIVE_RESULTS = 60

/** Calls `onChange` when nights of the listing within the searched stay are booked, blocked or freed. */
function WatchNights(props: { placeId: string; checkIn: string; checkOut: string; onChange: () => void }) {
  useLiveTopic(`place:${props.placeId}`, (event) => {
    if (event.type === 'resync') return props.onChange()
    if (event.type !== 'availability.changed') return
    const { from, to } = event.data as { from: string; to: string }
    if (from < props.checkOut && to >= props.checkIn) props.onChange()
  })
  return null
}

export function SearchPage() {
  const { t, money, date } = useI18n()
  const params = useSearchParams()
  const paramString = params.toString()
  const { query, ignored } = useMemo(() => searchQuery(new URLSearchParams(paramString)), [paramString])
  const [view, setView] = useState<'list' | 'map'>('list')
  const [hovered, setHovered] = useState<string>()
  const [movedTo, setMovedTo] = useState<string>()
  const [filtersOpen, setFiltersOpen] = useState(false)
  const [formOpen, setFormOpen] = useState(false)
  const where = query.q || query.city
  useTitle(where ? t('search.titleFor', { q: where }) : t('search.title'))

  const results = useInfiniteQuery(searchQueries.results(query))
  const queryClient = useQueryClient()
  const refetchResults = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: ['search'] }),
    [queryClient],
  )
  const places = useMemo(() => results.data?.pages.flatMap((page) => page.results) ?? [], [results.data])
  const first = results.data?.pages[0]
  const keepDates = new URLSearchParams()
  for (const name of ['check_in', 'check_out', 'guests']) {
    const value = query[name as 'check_in' | 'check_out' | 'guests']
    if (value) keepDates.set(name, String(value))
  }
  const markers = useMemo(
    () =>
      places.map((p) => ({
        id: p.id,
        latitude: p.latitude,
        longitude: p.longitude,
        title: p.title,
        label: money(p.price, p.currency, { whole: true }),
        photo: p.cover_photo,
      })),
    [places, money],
  )
  const onMoved = useCallback((bbox: string) => setMovedTo(bbox), [])
  const onSelect = useCallback((id: string) => setHovered(id), [])
  const summary = [
    where || t('search.anywhere'),
    query.check_in && query.check_out
      ? `${date(query.check_in)} – ${date(query.check_out)}`
      : t('search.anyDates'),
    query.guests ? t('place.guests', { count: query.guests }) : t('search.anyGuests'),
  ].join(' · ')
  const filterCount = ['price_min', 'price_max', 'amenities', 'instant_book'].filter((n) =>
    params.get(n),
  ).length

  return (
    <div className="search-page">
      <div className="search-bar">
        <div className="container">
          {/* On a phone the search box folds into one line, so results start on the first screen. */}
          <button
            type="button"
            className="btn btn-ghost search-summary"
            aria-expanded={formOpen}
            onClick={() => setFormOpen(!formOpen)}
          >
            <span aria-hidden="true">⌕</span>
            <span>{summary}</span>
          </button>
          <div className={`search-form-wrap ${formOpen ? 'is-open' : ''}`}>
            <SearchForm key={paramString} initial={searchValues(params)} keep={params} compact />
          </div>
          <div className="search-tools">
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setFiltersOpen(true)}>
              {t('search.filters')}
              {filterCount > 0 && <span className="badge">{filterCount}</span>}
            </button>
            <label className="inline-field">
              <span className="hide-phone" aria-hidden="true">
                {t('search.sort')}
              </span>
              <select
                aria-label={t('search.sort')}
                value={params.get('sort') ?? 'rating'}
                onChange={(event) =>
                  navigate(withParams(params, { sort: event.target.value, cursor: undefined }))
                }
              >
                {SORTS.map((sort) => (
                  <option key={sort} value={sort}>
                    {t(`search.sort.${sort}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="btn btn-ghost btn-small show-phone"
              onClick={() => setView(view === 'list' ? 'map' : 'list')}
              aria-pressed={view === 'map'}
            >
              {view === 'list' ? t('search.showMap') : t('search.showList')}
            </button>
          </div>
        </div>
      </div>
      <div className={`search-layout view-${view}`}>
        <section className="search-results" aria-labelledby="results-title">
          <PageHeading className="results-title">
            <span id="results-title">
              {first
                ? t(first.total_is_lower_bound ? 'search.countAtLeast' : 'search.count', {
                    count: first.total,
                  })
                : t('search.title')}
              {query.q ? ` · ${query.q}` : ''}
            </span>
          </PageHeading>
          {ignored.length > 0 && (
            <Notice kind="info">
              {t('search.ignored', {
                names: ignored.map((name) => t(`search.param.${name}` as MessageKey)).join(', '),
              })}
            </Notice>
          )}
          {query.check_in && query.check_out && <p className="muted">{t('search.pricesForDates')}</p>}
          {results.isPending && <Skeleton lines={6} />}
          {results.error && <ErrorBox error={results.error} onRetry={() => results.refetch()} />}
          {first && places.length === 0 && (
            <Empty title={t('search.noResults')}>
              <p>{t('search.noResultsHint')}</p>
              <button type="button" className="btn btn-ghost" onClick={() => navigate(paths.search())}>
                {t('search.clear')}
              </button>
            </Empty>
          )}
          <div className="card-grid card-grid-results" aria-live="polite">
            {query.check_in &&
              query.check_out &&
              places
                .slice(0, LIVE_RESULTS)
                .map((place) => (
                  <WatchNights
                    key={`live-${place.id}`}
                    placeId={place.id}
                    checkIn={query.check_in!}
                    checkOut={query.check_out!}
                    onChange={refetchResults}
                  />
                ))}
            {places.length > 0 && (
              // Drawn again from its first cards for each search, not from the last search's.
              <StagedCards
                key={paramString}
                items={places}
                card={(place, index) => (
                  <PlaceCard
                    key={place.id}
                    place={place}
                    eager={index === 0}
                    titleAs="h2"
                    query={keepDates.toString()}
                    selected={place.id === hovered}
                    onHover={setHovered}
                  />
                )}
              />
            )}
          </div>
          {results.hasNextPage && (
            <div className="center">
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => results.fetchNextPage()}
                disabled={results.isFetchingNextPage}
              >
                {results.isFetchingNextPage ? t('common.loading') : t('search.more')}
              </button>
            </div>
          )}
        </section>
        <section className="search-map" aria-label={t('search.map')}>
          {movedTo && (
            <button
              type="button"
              className="btn btn-dark btn-small map-research"
              onClick={() => {
                setMovedTo(undefined)
                navigate(withParams(params, { bbox: movedTo, q: undefined, cursor: undefined }))
              }}
            >
              {t('search.thisArea')}
            </button>
          )}
          <WhenShown>
            <Suspense fallback={<Loading />}>
              <MapView
                places={markers}
                selectedId={hovered}
                onSelect={onSelect}
                onMoved={onMoved}
                label={t('search.map')}
                openLabel={t('search.openListing')}
                noTilesLabel={t('map.noTiles')}
                groupLabel={(count) => t('map.group', { count })}
              />
            </Suspense>
          </WhenShown>
        </section>
      </div>
      <Dialog open={filtersOpen} title={t('search.filters')} onClose={() => setFiltersOpen(false)}>
        <Filters
          params={params}
          facets={first?.facets.amenities ?? []}
          onDone={(url) => {
            setFiltersOpen(false)
            if (url) navigate(url)
          }}
        />
      </Dialog>
    </div>
  )
}

function Filters({
  params,
  facets,
  onDone,
}: {
  params: URLSearchParams
  facets: { id: string; name: string; count: number }[]
  onDone: (url?: string) => void
}) {
  const { t, amenity: amenityName } = useI18n()
  const amenities = useQuery({ ...amenityQueries.all(), staleTime: 5 * 60_000 })
  const [min, setMin] = useState(params.get('price_min') ?? '')
  const [max, setMax] = useState(params.get('price_max') ?? '')
  const [chosen, setChosen] = useState(new Set((params.get('amenities') ?? '').split(',').filter(Boolean)))
  const [instant, setInstant] = useState(params.get('instant_book') === 'true')
  const counts = new Map(facets.map((f) => [f.id, f.count]))
  const list = amenities.data ?? facets.map((f) => ({ id: f.id, name: f.name }))
  const apply = () =>
    onDone(
      withParams(params, {
        price_min: min || undefined,
        price_max: max || undefined,
        amenities: [...chosen].join(',') || undefined,
        instant_book: instant ? 'true' : undefined,
        cursor: undefined,
      }),
    )
  return (
    <form
      className="filters"
      onSubmit={(event) => {
        event.preventDefault()
        apply()
      }}
    >
      <fieldset>
        <legend>{t('search.priceRange')}</legend>
        <p className="hint">{t('search.priceHint')}</p>
        <div className="row">
          <label className="field">
            <span>{t('search.priceMin')}</span>
            <input
              type="number"
              min={0}
              inputMode="numeric"
              value={min}
              onChange={(e) => setMin(e.target.value)}
            />
          </label>
          <label className="field">
            <span>{t('search.priceMax')}</span>
            <input
              type="number"
              min={0}
              inputMode="numeric"
              value={max}
              onChange={(e) => setMax(e.target.value)}
            />
          </label>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('search.amenities')}</legend>
        <div className="checks">
          {list.map((amenity) => (
            <label key={amenity.id} className="check">
              <input
                type="checkbox"
                checked={chosen.has(amenity.id)}
                onChange={(event) => {
                  const next = new Set(chosen)
                  if (event.target.checked) next.add(amenity.id)
                  else next.delete(amenity.id)
                  setChosen(next)
                }}
              />
              <span>
                {amenityName(amenity.name)}
                {counts.has(amenity.id) && <span className="muted"> ({counts.get(amenity.id)})</span>}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={instant} onChange={(e) => setInstant(e.target.checked)} />
        <span>{t('search.instantOnly')}</span>
      </label>
      <div className="dialog-actions">
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() =>
            onDone(
              withParams(params, {
                price_min: undefined,
                price_max: undefined,
                amenities: undefined,
                instant_book: undefined,
              }),
            )
          }
        >
          {t('search.clearFilters')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => onDone()}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary">
          {t('search.apply')}
        </button>
      </div>
    </form>
  )
}
