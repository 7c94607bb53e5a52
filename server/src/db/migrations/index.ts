import type { Migration, MigrationProvider } from 'kysely/migration'
import * as initial from './0001_initial.js'
import * as marketplace from './0002_marketplace.js'
import * as search from './0003_search.js'
import * as outbox from './0004_outbox.js'
import * as scheduler from './0005_scheduler.js'
import * as accountEmails from './0006_account_emails.js'
import * as notificationPreferences from './0007_notification_preferences.js'
import * as deadLetters from './0008_dead_letters.js'
import * as searchAmenityBits from './0010_search_amenity_bits.js'
import * as placeDeletion from './0011_place_deletion.js'
import * as reviewsByPlace from './0012_reviews_by_place.js'
import * as messaging from './0013_messaging.js'
import * as checkoutHolds from './0014_checkout_holds.js'
import * as photos from './0016_photos.js'
import * as placeRowVersion from './0018_place_row_version.js'
import * as outboxTraceparent from './0019_outbox_traceparent.js'
import * as placeNightRecords from './0020_place_night_records.js'
import * as searchCells from './0021_search_cells.js'
import * as appMetaText from './0022_app_meta_text.js'
import * as searchIndexZone from './0023_search_index_zone.js'
import * as searchPriceScaled from './0024_search_price_scaled.js'
import * as searchChanges from './0025_search_changes.js'

/** Every migration, in order. Compiled into the build, so no file-system scanning at run time. */
const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_marketplace': marketplace,
  '0003_search': search,
  '0004_outbox': outbox,
  '0005_scheduler': scheduler,
  '0006_account_emails': accountEmails,
  '0008_dead_letters': deadLetters,
  '0007_notification_preferences': notificationPreferences,
  '0010_search_amenity_bits': searchAmenityBits,
  '0011_place_deletion': placeDeletion,
  '0012_reviews_by_place': reviewsByPlace,
  '0013_messaging': messaging,
  '0016_photos': photos,
  '0014_checkout_holds': checkoutHolds,
  '0018_place_row_version': placeRowVersion,
  '0019_outbox_traceparent': outboxTraceparent,
  '0020_place_night_records': placeNightRecords,
  '0021_search_cells': searchCells,
  '0022_app_meta_text': appMetaText,
  '0023_search_index_zone': searchIndexZone,
  '0024_search_price_scaled': searchPriceScaled,
  '0025_search_changes': searchChanges,
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}
