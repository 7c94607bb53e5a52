// Logging out: the server ends the login named by the refresh cookie, this tab (and the others)
// forget the session and what was kept of it, and the home page shows.
import { api } from '../api/client'
import { currentSession, SESSION_HEADERS, signOut } from '../api/session'
import { paths } from '../lib/paths'
import { navigate } from '../lib/router'

export async function logOut(clear: () => void) {
  if (currentSession()) {
    // The refresh cookie names the login to end; the server clears it.
    await api.POST('/api/v1/auth/logout', { body: {}, headers: SESSION_HEADERS }).catch(() => undefined)
  }
  signOut('logout')
  clear()
  navigate(paths.home())
}
