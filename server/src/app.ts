// Composition root: drivers -> repositories -> services -> HTTP. Drivers are chosen here, once.
import { join } from 'node:path'
import type { Config } from './config.js'
import { createDatabase, type Database, replicaOptions } from './db/database.js'
import { setUpReplication } from './db/replication-setup.js'
import type { Actor } from './domain/actor.js'
import { type LiveAccess, type LiveEvents, noLiveEvents } from './domain/live.js'
import {
  FREED_NIGHTS,
  type FreedNights,
  NOTIFICATIONS,
  PHOTOS,
  type PhotoTask,
  PING,
} from './domain/tasks.js'
import { AppError } from './errors.js'
import { Authenticator } from './http/auth.js'
import { clientAddressOf } from './http/client-address.js'
import { websocketOriginCheck } from './http/cors.js'
import { createHttpServer } from './http/server.js'
import { createResponseCache, type ResponseCache } from './infra/cache/index.js'
import { createMailSender } from './infra/mail/index.js'
import type { MailSender } from './infra/mail/port.js'
import { createPubSub } from './infra/pubsub/index.js'
import { RedisPubSub } from './infra/pubsub/redis.js'
import { createTaskQueue } from './infra/queue/index.js'
import { createRateLimitStore } from './infra/rate-limit/index.js'
import { createRedis, type Redis } from './infra/redis.js'
import { createSessionStore } from './infra/sessions/index.js'
import { MemorySessionStore } from './infra/sessions/memory.js'
import type { SessionStore } from './infra/sessions/port.js'
import { createSmsSender } from './infra/sms/index.js'
import type { SmsSender } from './infra/sms/port.js'
import { createObjectStorage } from './infra/storage/index.js'
import type { ObjectStorage } from './infra/storage/port.js'
import { Jobs } from './jobs/runner.js'
import type { Logger } from './logger.js'
import { AmenityRepository } from './modules/amenities/repository.js'
import { AmenityService } from './modules/amenities/service.js'
import { AccountService } from './modules/auth/account-service.js'
import { EmailTokenRepository } from './modules/auth/email-token-repository.js'
import { RefreshTokenRepository } from './modules/auth/repository.js'
import { AuthService } from './modules/auth/service.js'
import { Sessions } from './modules/auth/sessions.js'
import { AccessTokens } from './modules/auth/tokens.js'
import { BookingRepository } from './modules/bookings/repository.js'
import { BookingService } from './modules/bookings/service.js'
import { CalendarRepository } from './modules/calendar/repository.js'
import { CalendarService } from './modules/calendar/service.js'
import { DevOutboxService } from './modules/dev-outbox/service.js'
import { FreedDatesRepository } from './modules/holds/freed-dates-repository.js'
import { FreedDatesService } from './modules/holds/freed-dates-service.js'
import { HoldRepository } from './modules/holds/repository.js'
import { HoldService } from './modules/holds/service.js'
import { IcalFetcher } from './modules/ical/fetch.js'
import { IcalRepository } from './modules/ical/repository.js'
import { IcalService } from './modules/ical/service.js'
import { MessagingRepository } from './modules/messaging/repository.js'
import { MessagingService } from './modules/messaging/service.js'
import { NotificationCentreRepository } from './modules/notifications/centre-repository.js'
import { NotificationCentreService } from './modules/notifications/centre-service.js'
import { NotificationPreferenceRepository } from './modules/notifications/preference-repository.js'
import { NotificationPreferenceService } from './modules/notifications/preference-service.js'
import { ReminderService } from './modules/notifications/reminder-service.js'
import { NotificationRepository } from './modules/notifications/repository.js'
import { NotificationService } from './modules/notifications/service.js'
import { PhotoRepository } from './modules/photos/repository.js'
import { PhotoService } from './modules/photos/service.js'
import { findVisiblePlace } from './modules/places/access.js'
import { PlaceRepository } from './modules/places/repository.js'
import { PlaceService } from './modules/places/service.js'
import { ReviewRepository } from './modules/reviews/repository.js'
import { ReviewService } from './modules/reviews/service.js'
import { StayReviewService } from './modules/reviews/stay-service.js'
import { SearchRepository } from './modules/search/repository.js'
import { SearchCopy } from './modules/search/search-copy.js'
import { SearchService } from './modules/search/service.js'
import type { Services } from './modules/services.js'
import { SystemService } from './modules/system/service.js'
import { PhoneCodeRepository } from './modules/users/phone-code-repository.js'
import { PhoneService } from './modules/users/phone-service.js'
import { UserRepository } from './modules/users/repository.js'
import { UserService } from './modules/users/service.js'
import { WishlistRepository } from './modules/wishlists/repository.js'
import { WishlistService } from './modules/wishlists/service.js'
import { RealtimeGateway } from './realtime/gateway.js'
import { LiveHub } from './realtime/hub.js'

/** The repositories: each owns the SQL of its tables. */
export function createRepositories(database: Database) {
  return {
    users: new UserRepository(database),
    amenities: new AmenityRepository(database),
    places: new PlaceRepository(database),
    reviews: new ReviewRepository(database),
    refreshTokens: new RefreshTokenRepository(database),
    calendar: new CalendarRepository(database),
    ical: new IcalRepository(database),
    bookings: new BookingRepository(database),
    wishlists: new WishlistRepository(database),
    conversations: new MessagingRepository(database),
    notificationPreferences: new NotificationPreferenceRepository(database),
  }
}

/** "Dates freed" alerts (the `freed_nights` task's handler), publishing to `live`. */
function createFreedDatesService(database: Database, live: LiveEvents, logger: Logger, now: () => number) {
  return new FreedDatesService({
    alerts: new FreedDatesRepository(database),
    places: new PlaceRepository(database),
    calendar: new CalendarRepository(database),
    live,
    logger,
    now,
  })
}

/** The in-app notification centre, publishing to `live`. */
export function createNotificationCentre(
  database: Database,
  live: LiveEvents,
  logger: Logger,
  now: () => number,
) {
  return new NotificationCentreService({
    repository: new NotificationCentreRepository(database),
    preferences: new NotificationPreferenceRepository(database),
    live,
    logger,
    now,
  })
}

/** What the services are built on: the drivers chosen for this process. */
export interface ServiceDrivers {
  config: Config
  database: Database
  logger: Logger
  mail: MailSender
  sms: SmsSender
  sessionStore: SessionStore
  cache: ResponseCache
  /** The clock (milliseconds since the epoch). */
  now: () => number
  /** Where services publish what connected clients should see at once. */
  live: LiveEvents
  /** Media files (photos). */
  storage: ObjectStorage
}

/** Photos on `storage`, with the limits and media URL of the configuration. */
export function createPhotoService(
  config: Config,
  database: Database,
  storage: ObjectStorage,
  cache: ResponseCache,
  logger: Logger,
  now: () => number,
) {
  const mediaUrl = config.mediaUrl ?? `${config.publicUrl ?? ''}/media`
  return new PhotoService({
    photos: new PhotoRepository(database),
    places: new PlaceRepository(database),
    storage,
    cache,
    logger,
    now,
    options: {
      maxBytes: config.photoMaxBytes,
      maxPixels: config.photoMaxPixels,
      perPlace: config.photosPerPlace,
      mediaUrl,
    },
  })
}

export function createServices({
  config,
  database,
  logger,
  mail,
  sms,
  sessionStore,
  cache,
  now,
  storage,
  live,
}: ServiceDrivers) {
  const repositories = createRepositories(database)
  const centre = createNotificationCentre(database, live, logger, now)
  const accessTokens = new AccessTokens(config.jwtSecret, config.accessTokenTtlSeconds)
  const sessions = new Sessions({
    refreshTokens: repositories.refreshTokens,
    store: sessionStore,
    tokens: accessTokens,
    options: {},
    logger,
    live,
    now,
  })
  const privacy = { publicEmails: config.publicEmails }
  const searchCopy =
    config.searchCopyPath && database.dialect === 'mysql'
      ? new SearchCopy({ path: config.searchCopyPath, maxLagMs: config.searchCopyMaxLagMs, logger })
      : undefined
  const users = new UserService({
    users: repositories.users,
    cache,
    sessions,
    privacy,
    options: { adminPasswordPolicy: config.passwordPolicy === 'all' },
    centre,
  })
  const fees = { serviceFeePercent: config.serviceFeePercent, taxPercent: config.taxPercent }
  const photos = createPhotoService(config, database, storage, cache, logger, now)
  const freedDates = createFreedDatesService(database, live, logger, now)
  const holds = new HoldService({
    holds: new HoldRepository(database),
    places: repositories.places,
    calendar: repositories.calendar,
    live,
    cache,
    logger,
    options: { holdSeconds: config.checkoutHoldSeconds },
    now,
  })
  const services: Services = {
    users,
    auth: new AuthService({
      users: repositories.users,
      userService: users,
      refreshTokens: repositories.refreshTokens,
      accessTokens,
      sessions,
      options: config,
      now,
    }),
    account: new AccountService({
      users: repositories.users,
      tokens: new EmailTokenRepository(database),
      sessions,
      mail,
      centre,
      options: {
        emailVerifyTtlSeconds: config.emailVerifyTtlSeconds,
        passwordResetTtlSeconds: config.passwordResetTtlSeconds,
        linkBaseUrl: config.publicUrl ?? `http://localhost:${config.port}`,
        userChanged: (id) => users.changed(id),
      },
      logger,
      now,
    }),
    amenities: new AmenityService({ amenities: repositories.amenities, cache }),
    photos,
    places: new PlaceService({
      places: repositories.places,
      users: repositories.users,
      amenities: repositories.amenities,
      cache,
      privacy,
      covers: (placeIds) => photos.coversOf(placeIds),
    }),
    reviews: new ReviewService({
      reviews: repositories.reviews,
      places: repositories.places,
      cache,
      centre,
    }),
    system: new SystemService({ database, repositories, dependencies: [] }),
    search: new SearchService({
      search: new SearchRepository(database),
      copy: searchCopy,
      clientWroteRecently: database.replication?.clientWroteRecently,
      amenities: repositories.amenities,
      covers: (versions) => photos.coversByVersion(versions),
      options: {
        ...fees,
        pageSizeMax: config.pageSizeMax,
        exactTotalMax: config.searchExactTotalMax,
        cacheTtlMs: config.cacheSearchTtlSeconds * 1000,
      },
      cache,
      now,
    }),
    calendar: new CalendarService({
      places: repositories.places,
      calendar: repositories.calendar,
      cache,
      now,
      live,
    }),
    ical: new IcalService({
      places: repositories.places,
      calendar: repositories.calendar,
      feeds: repositories.ical,
      fetcher: new IcalFetcher({ allowPrivateAddresses: config.icalAllowPrivateAddresses }),
      options: {},
      logger,
      cache,
      live,
      now,
    }),
    wishlists: new WishlistService({
      wishlists: repositories.wishlists,
      places: repositories.places,
      covers: (placeIds) => photos.coversOf(placeIds),
    }),
    phone: new PhoneService({
      users: repositories.users,
      codes: new PhoneCodeRepository(database),
      sms,
      options: { secret: config.jwtSecret },
      logger,
      now,
    }),
    notificationPreferences: new NotificationPreferenceService({
      preferences: repositories.notificationPreferences,
      users: repositories.users,
      now,
    }),
    reminders: new ReminderService({ repository: new NotificationRepository(database), logger }),
    stayReviews: new StayReviewService({
      reviews: repositories.reviews,
      bookings: repositories.bookings,
      places: repositories.places,
      now,
      cache,
      centre,
    }),
    notificationCentre: centre,
    messaging: new MessagingService({
      conversations: repositories.conversations,
      places: repositories.places,
      bookings: repositories.bookings,
      centre,
      live,
      logger,
      now,
      options: { notifyAfterMs: config.messageNotifyAfterMinutes * 60_000 },
    }),
    bookings: new BookingService({
      bookings: repositories.bookings,
      places: repositories.places,
      calendar: repositories.calendar,
      options: { ...fees, requestTtlHours: config.bookingRequestTtlHours },
      logger,
      cache,
      holds,
      live,
      now,
      covers: (placeIds) => photos.coversOf(placeIds),
    }),
    holds,
    freedDates,
  }
  if (config.env !== 'production' && (!config.smtpUrl || !config.smsApiUrl)) {
    services.devOutbox = new DevOutboxService({
      mailDir: join(config.dataDir, 'mail'),
      smsDir: join(config.dataDir, 'sms'),
    })
  }
  return { services, repositories, accessTokens, sessions, searchCopy }
}

/**
 * The services `hbnb beat` runs its jobs with (it serves no requests: its logins live nowhere else).
 * With Redis, the live events of its jobs reach the clients of every API process.
 */
export function createSchedulerServices(
  config: Config,
  database: Database,
  logger: Logger,
  cache: ResponseCache,
  storage: ObjectStorage,
  redis?: Redis,
) {
  return createServices({
    config,
    database,
    logger,
    mail: createMailSender(config),
    sms: createSmsSender(config),
    sessionStore: new MemorySessionStore(),
    cache,
    now: Date.now,
    live: publisherOnly(config, redis, logger),
    storage,
  })
}

/** Live events from a process that serves no WebSocket clients: through Redis, or nowhere. */
export function publisherOnly(config: Config, redis: Redis | undefined, logger: Logger): LiveEvents {
  if (!redis || !config.redisUrl) return noLiveEvents
  const limits = { size: config.realtimeReplaySize, seconds: config.realtimeReplaySeconds }
  return new LiveHub(new RedisPubSub(redis, config.redisUrl, limits, logger), logger)
}

/** Who may follow which topics: public listings for everyone; a conversation for its two sides. */
function liveAccess(repositories: ReturnType<typeof createRepositories>, services: Services): LiveAccess {
  return {
    async canWatchPlace(actor: Actor | null, placeId: string) {
      try {
        await findVisiblePlace(repositories.places, placeId, actor)
        return true
      } catch (error) {
        if (error instanceof AppError && error.status === 404) return false
        throw error
      }
    },
    canFollowConversation: (actor: Actor, conversationId: string) =>
      services.messaging.maySubscribe(actor.id, conversationId),
  }
}

/**
 * Background work: the task queue, the mail driver and the handler of every task name; `live`
 * receives what the handlers publish (in-app notifications).
 */
export function createJobs(
  config: Config,
  database: Database,
  logger: Logger,
  storage: ObjectStorage,
  cache: ResponseCache,
  live: LiveEvents = noLiveEvents,
) {
  const queue = createTaskQueue(config, database, logger)
  const mail = createMailSender(config)
  const sms = createSmsSender(config)
  const notifications = new NotificationService({
    repository: new NotificationRepository(database),
    preferences: new NotificationPreferenceRepository(database),
    conversations: new MessagingRepository(database),
    centre: createNotificationCentre(database, live, logger, Date.now),
    mail,
    sms,
    logger,
    now: Date.now,
    options: { claimLeaseMs: config.taskLeaseSeconds * 1000 },
  })
  const photos = createPhotoService(config, database, storage, cache, logger, Date.now)
  const freedDates = createFreedDatesService(database, live, logger, Date.now)
  const jobs = new Jobs({
    config,
    database,
    queue,
    handlers: {
      [NOTIFICATIONS]: (delivery) => notifications.handle(delivery),
      [PING]: async () => {},
      [PHOTOS]: (delivery) => photos.process((delivery.payload as PhotoTask).photo_id),
      [FREED_NIGHTS]: async (delivery) => {
        await freedDates.announce(delivery.payload as FreedNights)
      },
    },
    logger,
    onClose: async () => {
      await mail.close()
      await sms.close()
    },
  })
  return { jobs, notifications, mail, sms }
}

/** Live events to two places: the hub, and an observer (tests record what is published). */
function bothLiveEvents(first: LiveEvents, second: LiveEvents): LiveEvents {
  return {
    publish(event) {
      first.publish(event)
      second.publish(event)
    },
  }
}

/** `observer`: also receives every live event the app publishes (tests record them). */
export async function createApp(
  config: Config,
  logger: Logger,
  database = createDatabase(config.databaseUrl, logger, replicaOptions(config)),
  observer?: LiveEvents,
) {
  const redis: Redis | undefined = config.redisUrl ? createRedis(config.redisUrl, logger) : undefined
  const cache = createResponseCache(config, redis, logger)
  const storage = createObjectStorage(config)
  const pubsub = createPubSub(config, redis, logger)
  const hub = new LiveHub(pubsub, logger)
  const live = observer ? bothLiveEvents(hub, observer) : hub
  const { jobs, notifications, mail, sms } = createJobs(config, database, logger, storage, cache, live)
  const { services, accessTokens, sessions, repositories, searchCopy } = createServices({
    config,
    database,
    logger,
    mail,
    sms,
    sessionStore: createSessionStore(redis),
    cache,
    now: Date.now,
    live,
    storage,
  })
  if (redis) {
    services.system.addDependency({
      name: 'redis',
      critical: false,
      check: async () => {
        await redis.ping()
      },
    })
    services.system.addDependency({
      name: 'live_events',
      critical: false,
      check: async () => {
        if (!pubsub.connected())
          throw new Error('not subscribed to redis: live events reach this process only')
      },
    })
  }
  setUpReplication(config, database, services.system, redis)
  const http = await createHttpServer(
    config,
    logger,
    services,
    new Authenticator(sessions),
    {
      store: createRateLimitStore(redis, logger),
      tokens: accessTokens,
    },
    cache,
  )
  const realtime = new RealtimeGateway(http.server, {
    config,
    logger,
    pubsub,
    logins: sessions,
    access: liveAccess(repositories, services),
    originAllowed: websocketOriginCheck({
      anyOrigin: config.corsAnyOrigin,
      credentialOrigins: config.corsCredentialOrigins,
      publicUrl: config.publicUrl,
    }),
    clientAddress: clientAddressOf(config.trustProxy),
    now: Date.now,
  })
  hub.localFallback = (event) => realtime.deliverLocally(event)
  return {
    config,
    logger,
    database,
    services,
    http,
    mail,
    sms,
    jobs,
    notifications,
    redis,
    cache,
    storage,
    live,
    realtime,
    async close() {
      await realtime.close()
      await http.close()
      await services.account.settle()
      await jobs.close()
      await searchCopy?.close()
      await database.close()
      await cache.close()
      await storage.close()
      redis?.disconnect()
    },
  }
}

export type App = Awaited<ReturnType<typeof createApp>>
