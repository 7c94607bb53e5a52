import type { Database } from '../../db/database.js'
import type { AmenityRepository } from '../amenities/repository.js'
import type { PlaceRepository } from '../places/repository.js'
import type { ReviewRepository } from '../reviews/repository.js'
import type { UserRepository } from '../users/repository.js'

export interface Readiness {
  /** `degraded`: a dependency the API can do without (the cache) is down; requests still succeed. */
  status: 'ok' | 'degraded' | 'unavailable'
  checks: Record<string, { status: 'ok' | 'down'; error?: string }>
}

/** A dependency checked by /readyz. `critical`: the API cannot serve without it. */
export interface DependencyCheck {
  name: string
  critical: boolean
  check(): Promise<void>
}

export interface SystemServiceDeps {
  database: Database
  repositories: {
    users: UserRepository
    amenities: AmenityRepository
    places: PlaceRepository
    reviews: ReviewRepository
  }
  /** Services the process depends on, checked by `/readyz` (more are added at start-up). */
  dependencies: DependencyCheck[]
}

export class SystemService {
  constructor(private readonly deps: SystemServiceDeps) {}

  /** Adds a dependency to /readyz (drivers register theirs in the composition root). */
  addDependency(dependency: DependencyCheck) {
    this.deps.dependencies.push(dependency)
  }

  async stats() {
    const { users, amenities, places, reviews } = this.deps.repositories
    const [u, a, p, r] = await Promise.all([
      users.count(),
      amenities.count(),
      places.count(),
      reviews.count(),
    ])
    return { amenities: a, places: p, reviews: r, users: u }
  }

  async readiness(): Promise<Readiness> {
    const all: DependencyCheck[] = [
      { name: 'database', critical: true, check: () => this.deps.database.ping() },
      ...this.deps.dependencies,
    ]
    const results = await Promise.all(
      all.map(async ({ name, critical, check }) => {
        try {
          await check()
          return { name, critical, result: { status: 'ok' as const } }
        } catch (error) {
          return { name, critical, result: { status: 'down' as const, error: (error as Error).message } }
        }
      }),
    )
    const down = results.filter((r) => r.result.status === 'down')
    const status = down.some((r) => r.critical) ? 'unavailable' : down.length ? 'degraded' : 'ok'
    return { status, checks: Object.fromEntries(results.map((r) => [r.name, r.result])) }
  }
}
