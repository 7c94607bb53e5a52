// Leaflet map of places. Markers are HTML (divIcons with the price), so they show even when no
// tile loads (no network, tile server down); the tile server comes from the server's settings.
import 'leaflet/dist/leaflet.css'
import './map.css'
import L from 'leaflet'
import { useEffect, useRef } from 'react'
import { flushSync } from 'react-dom'
import { createRoot, type Root } from 'react-dom/client'
import type { PhotoCover } from '../api/types'
import { paths } from '../lib/paths'
import { navigate } from '../lib/router'
import { escapeHtml, useMapTiles } from './map-tiles'
import { ResponsivePhoto } from './Photo'

/** How close (in screen pixels) two pins may be before they are shown as one. */
const GROUP_PX = 48

export interface MapPlace {
  id: string
  latitude: number
  longitude: number
  label: string
  title: string
  /** Shown in the marker's popup. */
  photo?: PhotoCover | null
}

interface Props {
  places: MapPlace[]
  selectedId?: string | undefined
  onSelect?: (id: string) => void
  onMoved?: (bbox: string) => void
  /** Accessible name of the map region. */
  label: string
  /** Link text in a marker's popup. */
  openLabel: string
  /** Shown over the map when its tiles cannot load. */
  noTilesLabel?: string
  /** Accessible name of a group of `count` pins shown as one (clicking it zooms in). */
  groupLabel?: (count: number) => string
  zoom?: number
}

export default function MapView({
  places,
  selectedId,
  onSelect,
  onMoved,
  label,
  openLabel,
  noTilesLabel,
  groupLabel = String,
  zoom,
}: Props) {
  const container = useRef<HTMLElement>(null)
  const map = useRef<L.Map | null>(null)
  const layer = useRef<L.LayerGroup | null>(null)
  const markers = useRef(new Map<string, L.Marker>())
  /** The group marker each grouped place is shown by, at the current zoom. */
  const groupOf = useRef(new Map<string, L.Marker>())
  const regroup = useRef(() => {})
  const groupName = useRef(groupLabel)
  groupName.current = groupLabel
  const moved = useRef(onMoved)
  moved.current = onMoved
  const bounds = useRef<L.LatLngBounds | null>(null)
  const pendingFit = useRef(false)
  const maxZoom = zoom ?? 13

  const fitMarkers = useRef(() => {})
  fitMarkers.current = () => {
    const instance = map.current
    if (!instance || !bounds.current) return
    if (!container.current?.offsetWidth) {
      pendingFit.current = true
      return
    }
    pendingFit.current = false
    instance.fitBounds(bounds.current, { padding: [40, 40], maxZoom, animate: false })
  }

  // Pins closer than GROUP_PX on screen are shown as one pin with their count, split as the map zooms in.
  regroup.current = () => {
    const instance = map.current
    const group = layer.current
    if (!instance || !group) return
    group.clearLayers()
    groupOf.current.clear()
    const zoomLevel = instance.getZoom()
    const entries = [...markers.current].map(([id, marker]) => ({
      id,
      marker,
      at: instance.project(marker.getLatLng(), zoomLevel),
    }))
    const placed = new Set<string>()
    for (const entry of entries) {
      if (placed.has(entry.id)) continue
      const near = entries.filter(
        (other) => !placed.has(other.id) && other.at.distanceTo(entry.at) < GROUP_PX,
      )
      for (const member of near) placed.add(member.id)
      if (near.length === 1 || zoomLevel >= instance.getMaxZoom()) {
        for (const member of near) member.marker.addTo(group)
        continue
      }
      const area = L.latLngBounds(near.map((member) => member.marker.getLatLng()))
      const count = near.length
      const pin = L.marker(area.getCenter(), {
        icon: L.divIcon({
          className: 'price-marker-wrap',
          html: `<span class="price-marker group-marker">${count}</span>`,
          iconSize: undefined,
          iconAnchor: [0, 0],
        }),
        title: groupName.current(count),
        alt: groupName.current(count),
        keyboard: true,
      })
      pin.on('click', () => instance.fitBounds(area, { padding: [60, 60], maxZoom: instance.getMaxZoom() }))
      pin.addTo(group)
      for (const member of near) groupOf.current.set(member.id, pin)
    }
  }

  useEffect(() => {
    if (!container.current || map.current) return
    const instance = L.map(container.current, {
      zoomControl: true,
      attributionControl: true,
      worldCopyJump: true,
    })
    instance.setView([30, 0], 2)
    layer.current = L.layerGroup().addTo(instance)
    // Only a move the person made (drag, wheel, keys, zoom buttons) offers "search this area".
    let byPerson = false
    for (const type of ['pointerdown', 'wheel', 'keydown', 'touchstart']) {
      container.current.addEventListener(type, () => {
        byPerson = true
      })
    }
    instance.on('zoomend', () => regroup.current())
    instance.on('moveend', () => {
      if (!byPerson) return
      byPerson = false
      const b = instance.getBounds()
      const r = (n: number) => n.toFixed(4)
      moved.current?.(`${r(b.getWest())},${r(b.getSouth())},${r(b.getEast())},${r(b.getNorth())}`)
    })
    map.current = instance
    // A map laid out while hidden (the phone's list view) has no size: measure again when shown,
    // and fit the markers then.
    const resize = new ResizeObserver(() => {
      if (!container.current?.offsetWidth) return
      instance.invalidateSize()
      if (pendingFit.current) fitMarkers.current()
    })
    resize.observe(container.current)
    return () => {
      resize.disconnect()
      instance.remove()
      map.current = null
    }
  }, [])

  // After the map is made (effects run in order).
  const tilesFailed = useMapTiles(map)

  useEffect(() => {
    const group = layer.current
    const instance = map.current
    if (!group || !instance) return
    group.clearLayers()
    markers.current.clear()
    const photoRoots: Root[] = []
    for (const place of places) {
      const icon = L.divIcon({
        className: 'price-marker-wrap',
        html: `<span class="price-marker">${escapeHtml(place.label)}</span>`,
        iconSize: undefined,
        iconAnchor: [0, 0],
      })
      const marker = L.marker([place.latitude, place.longitude], {
        icon,
        title: place.title,
        alt: place.title,
        keyboard: true,
        riseOnHover: true,
      })
      const popup = document.createElement('div')
      popup.className = 'map-popup'
      const title = document.createElement('strong')
      title.textContent = place.title
      const link = document.createElement('a')
      link.href = paths.place(place.id)
      link.textContent = openLabel
      link.addEventListener('click', (event) => {
        event.preventDefault()
        navigate(paths.place(place.id))
      })
      popup.append(title, document.createElement('br'), link)
      const photo = place.photo
      if (photo) {
        // The photo is drawn when its popup first opens, before Leaflet places the popup.
        const slot = document.createElement('div')
        slot.className = 'map-popup-photo'
        popup.prepend(slot)
        let root: Root | undefined
        marker.on('popupopen', () => {
          if (root) return
          root = createRoot(slot)
          photoRoots.push(root)
          flushSync(() => root?.render(<ResponsivePhoto photo={photo} sizes="220px" eager />))
          marker.getPopup()?.update()
        })
      }
      marker.bindPopup(popup)
      marker.on('click', () => onSelect?.(place.id))
      markers.current.set(place.id, marker)
    }
    if (places.length > 0) {
      bounds.current = L.latLngBounds(places.map((p) => [p.latitude, p.longitude] as [number, number]))
      fitMarkers.current()
    }
    regroup.current()
    // Unmounted after React's own work, never during it.
    return () =>
      queueMicrotask(() => {
        for (const root of photoRoots) root.unmount()
      })
  }, [places, onSelect, openLabel])

  useEffect(() => {
    // A grouped place is shown by its group's pin.
    const selectedPin = selectedId
      ? (groupOf.current.get(selectedId) ?? markers.current.get(selectedId))
      : undefined
    for (const pin of [...markers.current.values(), ...new Set(groupOf.current.values())]) {
      pin.getElement()?.classList.toggle('is-selected', pin === selectedPin)
      pin.setZIndexOffset(pin === selectedPin ? 1000 : 0)
    }
  }, [selectedId])

  return (
    <div className="map-wrap">
      <section ref={container} className="map" aria-label={label} />
      {tilesFailed && noTilesLabel && <p className="map-notice">{noTilesLabel}</p>}
    </div>
  )
}
