import { type ComponentType, lazy, Suspense } from 'react'
import { Layout } from './components/Layout'
import { Loading } from './components/ui'
import { matchPath, useLocation } from './lib/router'
import { Login, Signup } from './pages/Auth'
import { Home } from './pages/Home'
import { NotFound } from './pages/NotFound'
import { PlacePage } from './pages/Place'
import { SearchPage } from './pages/Search'

const Trips = lazy(() => import('./pages/Trips'))
const Wishlists = lazy(() => import('./pages/Wishlists'))
const WishlistPage = lazy(() => import('./pages/Wishlists').then((m) => ({ default: m.WishlistPage })))
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

// biome-ignore lint/suspicious/noExplicitAny: pages take their route params as props
type Page = ComponentType<any>
const ROUTES: [string, Page][] = [
  ['/', Home],
  ['/search', SearchPage],
  ['/places/:id', PlacePage],
  ['/login', Login],
  ['/signup', Signup],
  ['/forgot-password', ForgotPassword],
  ['/reset-password', ResetPassword],
  ['/verify-email', VerifyEmail],
  ['/trips', Trips],
  ['/wishlists', Wishlists],
  ['/wishlists/:id', WishlistPage],
  ['/account', Account],
  ['/host', HostListings],
  ['/host/listings/new', ListingEditor],
  ['/host/listings/:id/edit', ListingEditor],
  ['/host/listings/:id/calendar', HostCalendar],
  ['/host/reservations', Reservations],
  ['/admin', Admin],
]

export function App() {
  const { pathname } = useLocation()
  let page = <NotFound />
  for (const [pattern, Component] of ROUTES) {
    const params = matchPath(pattern, pathname)
    if (params) {
      page = <Component key={pathname} {...params} />
      break
    }
  }
  return (
    <Layout>
      <Suspense fallback={<Loading />}>{page}</Suspense>
    </Layout>
  )
}
