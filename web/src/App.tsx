import { type ComponentType, lazy as reactLazy, Suspense } from 'react'
import { Layout } from './components/Layout'
import { PageErrorBoundary } from './components/PageError'
import { Loading } from './components/ui'
import { loadAllMessages } from './i18n'
import { type ParamsOf, patterns } from './lib/paths'
import { matchPath, useLocation } from './lib/router'
import { Home } from './pages/Home'
import { NotFound } from './pages/NotFound'

// Every page but the home page is fetched when first visited, with the rest of the messages of the
// language shown (the first download has only those of the app shell and the home page).
// biome-ignore lint/suspicious/noExplicitAny: the same bound as React's lazy
function lazy<Page extends ComponentType<any>>(load: () => Promise<{ default: Page }>) {
  return reactLazy<Page>(() => Promise.all([load(), loadAllMessages()]).then(([page]) => page))
}

const SearchPage = lazy(() => import('./pages/Search').then((m) => ({ default: m.SearchPage })))
const PlacePage = lazy(() => import('./pages/Place').then((m) => ({ default: m.PlacePage })))
const Login = lazy(() => import('./pages/Auth').then((m) => ({ default: m.Login })))
const Signup = lazy(() => import('./pages/Auth').then((m) => ({ default: m.Signup })))

const Trips = lazy(() => import('./pages/Trips'))
const Trip = lazy(() => import('./pages/Trip'))
const Checkout = lazy(() => import('./pages/Checkout'))
const Wishlists = lazy(() => import('./pages/Wishlists'))
const WishlistPage = lazy(() => import('./pages/Wishlists').then((m) => ({ default: m.WishlistPage })))
const Inbox = lazy(() => import('./pages/Inbox'))
const ConversationPage = lazy(() => import('./pages/Inbox').then((m) => ({ default: m.ConversationPage })))
const Notifications = lazy(() => import('./pages/Notifications'))
const Account = lazy(() => import('./pages/Account'))
const HostListings = lazy(() => import('./pages/host/Listings'))
const ListingEditor = lazy(() => import('./pages/host/ListingEditor'))
const HostCalendar = lazy(() => import('./pages/host/HostCalendar'))
const Reservations = lazy(() => import('./pages/host/Reservations'))
const Admin = lazy(() => import('./pages/Admin'))
const VerifyEmail = lazy(() => import('./pages/AccountRecovery').then((m) => ({ default: m.VerifyEmail })))
const ForgotPassword = lazy(() =>
  import('./pages/AccountRecovery').then((m) => ({ default: m.ForgotPassword })),
)
const ResetPassword = lazy(() =>
  import('./pages/AccountRecovery').then((m) => ({ default: m.ResetPassword })),
)

interface Route {
  pattern: string
  page: ComponentType<Record<string, string>>
}

/** A route whose page takes exactly the parameters of its pattern (checked by the compiler). */
function route<Pattern extends string>(pattern: Pattern, page: ComponentType<ParamsOf<Pattern>>): Route {
  return { pattern, page: page as ComponentType<Record<string, string>> }
}

const ROUTES: Route[] = [
  route(patterns.home, Home),
  route(patterns.search, SearchPage),
  route(patterns.place, PlacePage),
  route(patterns.checkout, Checkout),
  route(patterns.login, Login),
  route(patterns.signup, Signup),
  route(patterns.forgotPassword, ForgotPassword),
  route(patterns.resetPassword, ResetPassword),
  route(patterns.verifyEmail, VerifyEmail),
  route(patterns.trips, Trips),
  route(patterns.trip, Trip),
  route(patterns.wishlists, Wishlists),
  route(patterns.wishlist, WishlistPage),
  route(patterns.inbox, Inbox),
  route(patterns.conversation, ConversationPage),
  route(patterns.notifications, Notifications),
  route(patterns.account, Account),
  route(patterns.host, HostListings),
  route(patterns.newListing, ListingEditor),
  route(patterns.editListing, ListingEditor),
  route(patterns.listingCalendar, HostCalendar),
  route(patterns.reservations, Reservations),
  route(patterns.admin, Admin),
]

export function App() {
  const { pathname } = useLocation()
  let page = <NotFound />
  for (const { pattern, page: Page } of ROUTES) {
    const params = matchPath(pattern, pathname)
    if (params) {
      page = <Page key={pathname} {...params} />
      break
    }
  }
  return (
    <Layout>
      <PageErrorBoundary key={pathname}>
        <Suspense fallback={<Loading />}>{page}</Suspense>
      </PageErrorBoundary>
    </Layout>
  )
}
