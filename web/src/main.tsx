import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode, startTransition } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { ApiError, NetworkError } from './api/client'
import { maybeSignedIn, restoreSession } from './api/session'
import { detectLocale, I18nProvider, loadLocale } from './i18n'
import './styles.css'

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // Offline, a read is still tried once: the service worker may have kept its answer.
      networkMode: 'offlineFirst',
      // Retry network trouble and server errors, never a 4xx: it would fail the same way. Offline,
      // say so at once (a retry would wait for the network, showing nothing meanwhile).
      retry: (failures, error) =>
        failures < 2 &&
        !(error instanceof ApiError && error.status < 500) &&
        !(error instanceof NetworkError && !navigator.onLine),
    },
    // A change made offline fails and says so, rather than waiting unseen for the network.
    mutations: { networkMode: 'always' },
  },
})

// A reload or a new tab first gets its access token back (from another tab, or the refresh cookie),
// and the reader's language if it is not English.
// The first render is a transition: React renders in slices and yields to the browser between them,
// so a slow phone never sees one long task (input stays responsive, Total Blocking Time stays low).
// A member's account menu is not in the first download: it loads meanwhile.
void Promise.allSettled([
  restoreSession(),
  loadLocale(detectLocale()),
  maybeSignedIn() ? import('./components/AccountMenu') : undefined,
]).then(() => {
  const root = createRoot(document.getElementById('root') as HTMLElement)
  startTransition(() =>
    root.render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <I18nProvider>
            <App />
          </I18nProvider>
        </QueryClientProvider>
      </StrictMode>,
    ),
  )
})

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined)
  })
}
