// A person as a small round picture: their profile photo, or the initial of their first name while
// they have none. Always beside their name, so screen readers skip it.
import { useQuery } from '@tanstack/react-query'
import { photoQueries } from '../api/queries/photos'
import { ResponsivePhoto } from './Photo'

const PIXELS = { small: 28, medium: 32, large: 48, huge: 96 } as const

interface Props {
  user: { id: string; first_name: string }
  size?: keyof typeof PIXELS
  className?: string
}

export function Avatar({ user, size = 'medium', className }: Props) {
  const photo = useQuery(photoQueries.ofUser(user.id))
  return (
    <span className={`avatar avatar-${size} ${className ?? ''}`} aria-hidden="true" data-testid="avatar">
      {photo.data ? (
        <ResponsivePhoto photo={photo.data} sizes={`${PIXELS[size]}px`} eager />
      ) : (
        (user.first_name[0] ?? '?').toUpperCase()
      )}
    </span>
  )
}
