import { useQuery } from '@tanstack/react-query'
import { useEffect, useRef, useSyncExternalStore } from 'react'
import type { LiveListener } from '../api/live'
import { configQueries } from '../api/queries/config'
import { sessionStore } from '../api/session'
import type { ClientConfig } from '../api/types'
import { useI18n } from '../i18n'

function onConnectionChange(listener: () => void) {
  window.addEventListener('online', listener)
  window.addEventListener('offline', listener)
  return () => {
    window.removeEventListener('online', listener)
    window.removeEventListener('offline', listener)
  }
}

/** Whether the browser has a network connection (it says so when it changes). */
export function useOnline(): boolean {
  return useSyncExternalStore(onConnectionChange, () => navigator.onLine)
}

export function useSession() {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.getSnapshot)
}

const FALLBACK_CONFIG: ClientConfig = {
  map: { tiles_url: '', attribution: '' },
  signup: true,
  photos: { direct_uploads: false },
}

export function useClientConfig(): ClientConfig {
  const { data } = useQuery(configQueries.client())
  return data ?? FALLBACK_CONFIG
}

/** Sets the document title: "<page> · HBNB". */
export function useTitle(title: string | undefined) {
  useEffect(() => {
    document.title = title ? `${title} · HBNB` : 'HBNB'
  }, [title])
}

export function useT() {
  return useI18n().t
}

/**
 * Calls `listener` with the live events of `topic` (null: none) while the component is shown. The
 * live connection's code is loaded with the first topic watched (not in the first download).
 */
export function useLiveTopic(topic: string | null, listener: LiveListener) {
  const latest = useRef(listener)
  latest.current = listener
  useEffect(() => {
    if (!topic) return
    let stop: (() => void) | undefined
    let shown = true
    void import('../api/live').then(({ watchTopic }) => {
      if (shown) stop = watchTopic(topic, (event) => latest.current(event))
    })
    return () => {
      shown = false
      stop?.()
    }
  }, [topic])
}
