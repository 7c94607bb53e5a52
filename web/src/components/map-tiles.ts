// The tile layer of a Leaflet map, from the server's settings; says when no tile could load
// (offline, tile server down) so the map can explain its empty background.
import L from 'leaflet'
import { type RefObject, useEffect, useState } from 'react'
import { useClientConfig } from '../lib/hooks'

export function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Adds the configured tiles to the map in `map`; true while none of them could load. */
export function useMapTiles(map: RefObject<L.Map | null>): boolean {
  const config = useClientConfig()
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    const instance = map.current
    if (!instance || !config.map.tiles_url) return
    const tiles = L.tileLayer(config.map.tiles_url, {
      attribution: escapeHtml(config.map.attribution),
      maxZoom: 19,
    })
    let loaded = false
    tiles.on('tileload', () => {
      loaded = true
      setFailed(false)
    })
    tiles.on('tileerror', () => {
      if (!loaded) setFailed(true)
    })
    tiles.addTo(instance)
    return () => {
      tiles.remove()
    }
  }, [map, config.map.tiles_url, config.map.attribution])
  return failed
}
