import { describe, expect, it } from 'vitest'
import { CELL_EXPRESSIONS } from '../../src/db/migrations/0021_search_cells.js'
import { CELLS_PER_ROW, cellsOf, MAX_LISTED_CELLS, searchCellExpression } from '../../src/db/search-cells.js'

/** The cell of a point as the databases compute it (cast truncates; latitude + 90 and longitude + 180 are never negative). */
const cellOf = (latitude: number, longitude: number) =>
  Math.trunc((latitude + 90) * 100) * CELLS_PER_ROW + Math.trunc((longitude + 180) * 400)

function listed(area: Parameters<typeof cellsOf>[0]): number[] {
  const cells = cellsOf(area)
  if (!('cells' in cells)) throw new Error(`a band: ${JSON.stringify(cells)}`)
  return cells.cells
}

describe('search cells', () => {
  it('writes the cell as migration 0021 indexes it, on both databases', () => {
    expect(searchCellExpression('sqlite')).toBe(CELL_EXPRESSIONS.sqlite)
    expect(searchCellExpression('mysql')).toBe(CELL_EXPRESSIONS.mysql)
  })

  it("lists every cell of a map view's points, corners and edges included", () => {
    const area = { minLat: 48.85, maxLat: 48.865, lng: { from: 2.33, to: 2.355 } }
    const cells = new Set(listed(area))
    expect(cells.size).toBe(listed(area).length)
    for (const lat of [48.85, 48.851, 48.86, 48.865])
      for (const lng of [2.33, 2.3325, 2.35, 2.355])
        expect(cells.has(cellOf(lat, lng)), `${lat},${lng}`).toBe(true)
    // Two or three rows of latitude (a bound may round into the row below), 11 or 12 columns.
    expect(cells.size).toBeLessThanOrEqual(3 * 12)
  })

  it('wraps across the antimeridian', () => {
    const cells = new Set(listed({ minLat: -17.8, maxLat: -17.79, lng: { from: 179.995, to: -179.995 } }))
    for (const lng of [179.995, 179.999, 180, -180, -179.995])
      expect(cells.has(cellOf(-17.795, lng)), `${lng}`).toBe(true)
    expect(cells.has(cellOf(-17.795, 0))).toBe(false)
  })

  it(`reads a view of more than ${MAX_LISTED_CELLS} cells, or without longitude bounds, as a band of whole rows`, () => {
    const row = (latitude: number) => Math.floor((latitude + 90) * 100)
    const wide = cellsOf({ minLat: 48, maxLat: 49, lng: { from: 2, to: 3 } })
    expect(wide).toEqual({
      from: row(48 - 1e-7) * CELLS_PER_ROW,
      to: row(49 + 1e-7) * CELLS_PER_ROW + CELLS_PER_ROW - 1,
    })
    for (const lat of [48, 48.5, 49]) {
      for (const lng of [-180, 2.5, 180]) {
        const cell = cellOf(lat, lng)
        expect('from' in wide && cell >= wide.from && cell <= wide.to).toBe(true)
      }
    }
    expect(cellsOf({ minLat: -90, maxLat: 90 })).toEqual({
      from: 0,
      to: row(90) * CELLS_PER_ROW + CELLS_PER_ROW - 1,
    })
  })
})
