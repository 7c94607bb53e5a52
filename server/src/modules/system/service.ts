import type { Database } from '../../db/database.js'
import type { AmenityRepository } from '../amenities/repository.js'
import type { PlaceRepository } from '../places/repository.js'
import type { ReviewRepository } from '../reviews/repository.js'
import type { UserRepository } from '../users/repository.js'

export interface Readiness {
  status: 'ok' | 'unavailable'
  checks: Record<string, { status: 'ok' | 'down'; error?: string }>
}

export class SystemService {
  constructor(
    private readonly database: Database,
    private readonly repositories: {
      users: UserRepository
      amenities: AmenityRepository
      places: PlaceRepository
      reviews: ReviewRepository
    },
  ) {}

  async stats() {
    const { users, amenities, places, reviews } = this.repositories
    const [u, a, p, r] = await Promise.all([
      users.count(),
      amenities.count(),
      places.count(),
      reviews.count(),
    ])
    return { amenities: a, places: p, reviews: r, users: u }
  }

  async readiness(): Promise<Readiness> {
    try {
      await this.database.ping()
      return { status: 'ok', checks: { database: { status: 'ok' } } }
    } catch (error) {
      return {
        status: 'unavailable',
        checks: { database: { status: 'down', error: (error as Error).message } },
      }
    }
  }
}
