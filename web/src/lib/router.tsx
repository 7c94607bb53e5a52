// A small client-side router: the History API, <Link>, path patterns with :params.
import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react'
import { paths } from './paths'

const listeners = new Set<() => void>()
let location = snapshot()

function snapshot() {
  return { pathname: window.location.pathname, search: window.location.search, key: Math.random() }
}

function notify() {
  location = snapshot()
  for (const listener of listeners) listener()
}

window.addEventListener('popstate', notify)

export function navigate(to: string, options: { replace?: boolean } = {}) {
  const current = window.location.pathname + window.location.search
  if (to === current && !options.replace) return
  if (options.replace) window.history.replaceState(null, '', to)
  else window.history.pushState(null, '', to)
  notify()
  if (!options.replace) window.scrollTo(0, 0)
}

export function useLocation() {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    () => location,
  )
}

export function useSearchParams(): URLSearchParams {
  const { search } = useLocation()
  return new URLSearchParams(search)
}

/** The params of a pattern such as `/places/:id`, or null when the path does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean)
  const have = pathname.replace(/\/+$/, '').split('/').filter(Boolean)
  if (want.length !== have.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string
    const h = have[i] as string
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(h)
    else if (w !== h) return null
  }
  return params
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }

export function Link({ to, onClick, ...props }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event)
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      props.target
    ) {
      return
    }
    event.preventDefault()
    navigate(to)
  }
  return <a href={to} onClick={handle} {...props} />
}

/** `/login?next=...` for the current page. */
export function loginPath(): string {
  const here = window.location.pathname + window.location.search
  return paths.login({ next: here })
}
