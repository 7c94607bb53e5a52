// A listing's cover when only its id is at hand (its detail carries no cover): its first ready photo.
import { useQuery } from '@tanstack/react-query'
import { photoQueries } from '../api/queries/photos'
import { ListingPicture } from './Photo'
import { readyPhoto } from './PhotoGallery'

export function PlaceCover({ placeId, sizes }: { placeId: string; sizes: string }) {
  const photos = useQuery(photoQueries.ofPlace(placeId))
  const cover = photos.data?.map(readyPhoto).find((photo) => photo !== undefined)
  return <ListingPicture placeId={placeId} photo={cover} sizes={sizes} className="place-cover" />
}
