// Where the listing is, by pin: a click on the map puts the pin there, and it can be dragged.
// The editor derives the time zone, country and currency from it.
import 'leaflet/dist/leaflet.css'
import './map.css'
import L from 'leaflet'
import { useEffect, useRef } from 'react'
import { useMapTiles } from './map-tiles'

interface Props {
  latitude: number | undefined
  longitude: number | undefined
  onPick: (latitude: number, longitude: number) => void
  /** Accessible name of the map. */
  label: string
  noTilesLabel: string
}

const round = (n: number) => Math.round(n * 1e6) / 1e6

export default function PinPicker({ latitude, longitude, onPick, label, noTilesLabel }: Props) {
  const container = useRef<HTMLElement>(null)
  const map = useRef<L.Map | null>(null)
  const pin = useRef<L.Marker | null>(null)
  const pick = useRef(onPick)
  pick.current = onPick

  useEffect(() => {
    if (!container.current || map.current) return
    const instance = L.map(container.current, { worldCopyJump: true })
    instance.setView([30, 0], 2)
    instance.on('click', (event: L.LeafletMouseEvent) => {
      const { lat, lng } = event.latlng.wrap()
      pick.current(round(lat), round(lng))
    })
    map.current = instance
    const resize = new ResizeObserver(() => instance.invalidateSize())
    resize.observe(container.current)
    return () => {
      resize.disconnect()
      instance.remove()
      map.current = null
    }
  }, [])
  const tilesFailed = useMapTiles(map)

  useEffect(() => {
    const instance = map.current
    if (!instance || latitude === undefined || longitude === undefined) return
    if (!pin.current) {
      const icon = L.divIcon({
        className: 'pin-marker-wrap',
        html: '<span class="pin-marker"></span>',
        iconSize: [28, 28],
        iconAnchor: [14, 28],
      })
      pin.current = L.marker([latitude, longitude], { icon, draggable: true, autoPan: true })
      pin.current.on('dragend', () => {
        const { lat, lng } = pin.current!.getLatLng().wrap()
        pick.current(round(lat), round(lng))
      })
      pin.current.addTo(instance)
      instance.setView([latitude, longitude], Math.max(instance.getZoom(), 12))
    } else {
      const at = pin.current.getLatLng()
      if (at.lat !== latitude || at.lng !== longitude) pin.current.setLatLng([latitude, longitude])
      // A pin dropped at world scale is rough: zoom in so that it can be dragged to the door.
      if (instance.getZoom() < 10) instance.setView([latitude, longitude], 12)
      else if (!instance.getBounds().contains([latitude, longitude])) instance.panTo([latitude, longitude])
    }
  }, [latitude, longitude])

  return (
    <div className="map-wrap pin-picker">
      <section ref={container} className="map" aria-label={label} data-testid="pin-map" />
      {tilesFailed && <p className="map-notice">{noTilesLabel}</p>}
    </div>
  )
}
