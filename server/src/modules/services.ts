// The services the composition root (app.ts) builds: what routes (through the HTTP context) and
// scheduled jobs call. A type only, so nothing imports app.ts back.

import type { AmenityService } from './amenities/service.js'
import type { AccountService } from './auth/account-service.js'
import type { AuthService } from './auth/service.js'
import type { BookingService } from './bookings/service.js'
import type { CalendarService } from './calendar/service.js'
import type { DevOutboxService } from './dev-outbox/service.js'
import type { FreedDatesService } from './holds/freed-dates-service.js'
import type { HoldService } from './holds/service.js'
import type { IcalService } from './ical/service.js'
import type { MessagingService } from './messaging/service.js'
import type { NotificationCentreService } from './notifications/centre-service.js'
import type { NotificationPreferenceService } from './notifications/preference-service.js'
import type { ReminderService } from './notifications/reminder-service.js'
import type { PhotoService } from './photos/service.js'
import type { PlaceService } from './places/service.js'
import type { ReviewService } from './reviews/service.js'
import type { StayReviewService } from './reviews/stay-service.js'
import type { SearchService } from './search/service.js'
import type { SystemService } from './system/service.js'
import type { PhoneService } from './users/phone-service.js'
import type { UserService } from './users/service.js'
import type { WishlistService } from './wishlists/service.js'

export interface Services {
  wishlists: WishlistService
  bookings: BookingService
  stayReviews: StayReviewService
  calendar: CalendarService
  ical: IcalService
  users: UserService
  auth: AuthService
  account: AccountService
  amenities: AmenityService
  places: PlaceService
  photos: PhotoService
  reviews: ReviewService
  system: SystemService
  search: SearchService
  phone: PhoneService
  notificationPreferences: NotificationPreferenceService
  reminders: ReminderService
  notificationCentre: NotificationCentreService
  messaging: MessagingService
  holds: HoldService
  freedDates: FreedDatesService
  /** Outside production, while mail or text messages go to files: the /dev/outbox pages. */
  devOutbox?: DevOutboxService
}
