// English messages of the app shell and the home page (the header, footer, errors, search form,
// listing cards, wishlist button): built into the first download. Every other English message is in
// en.ts, fetched with the first other page (see loadAllMessages in index.tsx).
export const enShell = {
  'offline.title': 'You are offline.',
  'offline.banner':
    'This shows what this device kept from your last visits. Booking, saving and sending need a connection.',
  'offline.unavailable':
    'You are offline, and this device has not kept this. It will show once you are back online.',
  'offline.action': 'You are offline: this needs a connection. Try again once you are back online.',

  'common.loading': 'Loading…',
  'common.retry': 'Try again',
  'common.cancel': 'Cancel',
  'common.dismiss': 'Dismiss',
  'common.done': 'Done',
  'common.save': 'Save',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.showing': 'Showing {shown} of {count}',

  'stepper.less': 'One less: {label}',
  'stepper.more': 'One more: {label}',

  'nav.skip': 'Skip to content',
  'nav.homeLabel': 'HBNB home',
  'nav.main': 'Main',
  'nav.mobile': 'Sections',
  'nav.explore': 'Explore',
  'nav.trips': 'Trips',
  'nav.wishlists': 'Wishlists',
  'nav.inbox': 'Inbox',

  'inbox.unread_one': '{count} unread message',
  'inbox.unread_other': '{count} unread messages',

  'nav.notifications': 'Notifications',

  'notifications.unreadCount_one': '{count} unread notification',
  'notifications.unreadCount_other': '{count} unread notifications',

  'nav.host': 'Host',
  'nav.reservations': 'Reservations',
  'nav.admin': 'Admin',
  'nav.profile': 'Profile',
  'nav.login': 'Log in',
  'nav.signup': 'Sign up',
  'nav.logout': 'Log out',
  'nav.language': 'Language',
  'nav.accountMenu': 'Account menu for {name}',

  'footer.tagline': 'HBNB: an open vacation-rental marketplace you can run yourself.',
  'footer.api': 'API documentation',

  'error.pageTitle': 'This page ran into a problem',
  'error.pageText':
    'Reload it to try again, or go back to the home page. If it keeps happening, tell the people who run this HBNB.',
  'error.reload': 'Reload the page',
  'error.home': 'Go to the home page',
  'error.network': 'Cannot reach HBNB. Check your connection, then try again.',
  'error.unexpected': 'Something went wrong. Reload the page and try again.',
  'error.rateLimited': 'Too many attempts. Wait a minute, then try again.',
  'error.rateLimitedIn': 'Too many attempts. Try again in {seconds} seconds.',
  'error.forbidden': 'You are not allowed to do this with this account.',
  'error.notFound': 'This was not found: it may have been removed. Go back and try another one.',
  'error.server': 'HBNB had a problem. Try again in a moment.',
  'error.code.session_expired': 'Your session has expired. Log in again to continue.',

  'home.title': 'Find a place to stay',
  'home.lead': 'Homes and apartments from hosts around the world, with the full price shown before you book.',
  'home.destinations': 'Popular destinations',
  'home.topRated': 'Top-rated places',
  'home.seeAll': 'See all',
  'home.hostTitle': 'Have a place to share?',
  'home.hostLead': 'List it in a few steps, set your prices and calendar, and accept the guests you choose.',
  'home.hostButton': 'Become a host',

  'search.where': 'Where',
  'search.wherePlaceholder': 'City or place',
  'search.checkIn': 'Check-in',
  'search.checkOut': 'Check-out',
  'search.guests': 'Guests',
  'search.submit': 'Search',
  'search.bothDates': 'Choose both a check-in and a check-out date, or neither.',
  'search.checkoutAfter': 'Check-out must be after check-in.',
  'search.totalFor_one': '{total} total for {count} night',
  'search.totalFor_other': '{total} total for {count} nights',

  'place.perNight': 'night',
  'place.instantBook': 'Instant book',
  'place.guests_one': '{count} guest',
  'place.guests_other': '{count} guests',
  'place.reviewCount_one': '{count} review',
  'place.reviewCount_other': '{count} reviews',
  'place.ratingLabel': 'Rated {rating} out of 5',
  'place.noReviewsYet': 'No reviews yet',
  'place.new': 'New',

  'auth.sessionExpired': 'Your session has expired. Log in again to continue.',
  'auth.needLogin': 'Log in to continue',
  'auth.needLoginText':
    'This page is for members. Log in or create an account, and you will come straight back.',

  'notFound.title': 'Page not found',
  'notFound.text': 'This page does not exist, or it has moved.',
  'notFound.home': 'Go to the home page',

  'wishlist.save': 'Save',
  'wishlist.saveNamed': 'Save {title} to a wishlist',
  'wishlist.saved': 'Saved',
  'wishlist.saveTo': 'Save to a wishlist',
  'wishlist.newName': 'New wishlist',
  'wishlist.create': 'Create',
  'wishlist.count_one': '{count} place',
  'wishlist.count_other': '{count} places',
} as const
