import type { PlaceSummary, SearchResult } from '../api/types'
import { useI18n } from '../i18n'
import { paths } from '../lib/paths'
import { Link } from '../lib/router'
import { ListingPicture } from './Photo'
import { WishlistButton } from './WishlistButton'

interface Props {
  place: PlaceSummary | SearchResult
  query?: string
  selected?: boolean
  onHover?: (id: string | undefined) => void
  /** The card's picture is on screen when the page opens (the first result): loaded at once. */
  eager?: boolean
  /** The title's level under the page's headings: `h2` right under the page's `h1`. */
  titleAs?: 'h2' | 'h3'
}

export function PlaceCard({ place, query, selected, onHover, eager, titleAs: Title = 'h3' }: Props) {
  const { t, money, number } = useI18n()
  const result = place as SearchResult
  return (
    <article
      className={`place-card ${selected ? 'is-selected' : ''}`}
      onMouseEnter={() => onHover?.(place.id)}
      onMouseLeave={() => onHover?.(undefined)}
    >
      <Link to={paths.place(place.id, query)} className="place-card-link">
        <ListingPicture
          placeId={place.id}
          photo={place.cover_photo}
          sizes="(max-width: 700px) 100vw, (max-width: 1100px) 50vw, 25vw"
          className="place-card-visual"
          eager={eager}
        />
        <div className="place-card-body">
          <div className="place-card-top">
            <Title className="place-card-title">{place.title}</Title>
            {place.rating_count === 0 && <span className="place-card-rating">{t('place.new')}</span>}
            {place.rating_count > 0 && (
              <span className="place-card-rating">
                <span aria-hidden="true">★ {number(place.rating_avg, 2)}</span>
                <span className="visually-hidden">
                  {t('place.ratingLabel', { rating: number(place.rating_avg, 2) })}
                </span>
              </span>
            )}
          </div>
          <p className="muted">
            {[place.city, place.country].filter(Boolean).join(', ')} ·{' '}
            {t('place.guests', { count: place.max_guests })}
          </p>
          <p className="place-card-price">
            <strong>{money(place.price, place.currency, { whole: true })}</strong> {t('place.perNight')}
            {place.instant_book && <span className="badge">{t('place.instantBook')}</span>}
          </p>
          {result.total !== undefined && result.nights !== undefined && (
            <p className="muted">
              {t('search.totalFor', { total: money(result.total, place.currency), count: result.nights })}
            </p>
          )}
        </div>
      </Link>
      <WishlistButton placeId={place.id} title={place.title} />
    </article>
  )
}
