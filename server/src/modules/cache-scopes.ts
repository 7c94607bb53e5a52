// What each cached response depends on (its tags) and what each write changes (the tags it bumps).
// Both sides live here so that "every write invalidates exactly what it affects" can be read in one
// place: a response is rebuilt when any of its tags gets a new version.
//
//   tag          bumped by                                         read by
//   place:<id>   that place's edits, amenity links, reviews        its detail
//   places       any place edit, create, delete; any rating change  listing pages, search
//   calendar     bookings and their status changes, blocks,        search with dates
//                nightly prices, iCal imports
//   amenities    amenity create and rename                          amenities, place details, search
//   user:<id>    that user's profile changes                        their profile
//   users        any user's profile change (owners and reviewers   place details
//                are embedded in place details)

export const Tags = {
  placeDetail: (id: string) => [`place:${id}`, 'amenities', 'users'],
  placeList: () => ['places'],
  search: (dated: boolean) => (dated ? ['places', 'amenities', 'calendar'] : ['places', 'amenities']),
  amenities: () => ['amenities'],
  userProfile: (id: string) => [`user:${id}`],
} as const

export const Changes = {
  /** A place's own fields, amenity links, or its reviews and rating. */
  place: (id: string) => [`place:${id}`, 'places'],
  /** Booked, blocked or re-priced nights. */
  availability: () => ['calendar'],
  amenities: () => ['amenities'],
  user: (id: string) => [`user:${id}`, 'users'],
} as const
