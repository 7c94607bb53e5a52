// A listing's cover: its first ready photo, or its drawn picture while it has none.
import { useQuery } from '@tanstack/react-query'
import { photoQueries } from '../api/queries/photos'
import { ResponsivePhoto } from './Photo'
import { readyPhoto } from './PhotoGallery'
import { PlaceVisual } from './PlaceVisual'

export function PlaceCover({ placeId, label, sizes }: { placeId: string; label?: string; sizes: string }) {
  const photos = useQuery(photoQueries.ofPlace(placeId))
  const cover = photos.data?.map(readyPhoto).find((photo) => photo !== undefined)
  if (!cover) return <PlaceVisual id={placeId} label={label} className="place-cover" />
  return <ResponsivePhoto photo={cover} sizes={sizes} className="place-cover" eager />
}
