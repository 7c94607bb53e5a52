// Each place's cell of a grid of 0.01° of latitude (about 1.1 km) by 0.0025° of longitude, the
// second key of the search index (migration 0021: an indexed expression on SQLite, the generated
// column `places.search_cell` on MariaDB), so that a map view reads the index entries of the cells
// it overlaps instead of a whole band of latitude. Cells are numbered row by row from the
// south-west corner: row * CELLS_PER_ROW + column. Within a cell the index is in latitude order,
// so a view's latitude bounds narrow each cell's range; only longitude is read past the view, by
// up to a column on each side (hence the narrow columns).

/** Rows per degree of latitude. */
const ROWS_PER_DEGREE = 100
/** Columns per degree of longitude. */
const COLUMNS_PER_DEGREE = 400
/** Columns 0 to 144,000 (longitude 180 gets its own). */
export const CELLS_PER_ROW = 360 * COLUMNS_PER_DEGREE + 1
/** A map view that overlaps more cells is read as a band of whole rows. */
export const MAX_LISTED_CELLS = 512
/** Moves a bound outwards by more than the rounding of a degree times 400, so no place is lost to it. */
const SLACK = 1e-7

/**
 * The cell of the row's latitude and longitude, as the index has it (a query must write it the
 * same way to read it from the index): MariaDB rounds in `cast`, so `floor` there.
 */
export function searchCellExpression(dialect: 'sqlite' | 'mysql'): string {
  const whole = (value: string) => (dialect === 'sqlite' ? `cast(${value} as integer)` : `floor(${value})`)
  return `${whole(`(latitude + 90) * ${ROWS_PER_DEGREE}`)} * ${CELLS_PER_ROW} + ${whole(`(longitude + 180) * ${COLUMNS_PER_DEGREE}`)}`
}

/** The cell of the row of `places` in a search: the indexed expression (SQLite) or column (MariaDB). */
export function searchCell(dialect: 'sqlite' | 'mysql'): string {
  return dialect === 'sqlite' ? searchCellExpression('sqlite') : 'places.search_cell'
}

const row = (latitude: number) => Math.floor((latitude + 90) * ROWS_PER_DEGREE)
const column = (longitude: number) => Math.floor((longitude + 180) * COLUMNS_PER_DEGREE)

/** The cells the area overlaps, as a list when few, else the range of whole rows (a band). */
export function cellsOf(area: {
  minLat: number
  maxLat: number
  lng?: { from: number; to: number }
}): { cells: number[] } | { from: number; to: number } {
  const [south, north] = [row(Math.max(-90, area.minLat - SLACK)), row(Math.min(90, area.maxLat + SLACK))]
  const band = { from: south * CELLS_PER_ROW, to: north * CELLS_PER_ROW + CELLS_PER_ROW - 1 }
  if (!area.lng) return band
  const [west, east] = [
    column(Math.max(-180, area.lng.from - SLACK)),
    column(Math.min(180, area.lng.to + SLACK)),
  ]
  // Columns west to east, across the antimeridian when the interval wraps.
  const columns =
    west <= east && area.lng.from <= area.lng.to
      ? range(west, east)
      : [...range(west, CELLS_PER_ROW - 1), ...range(0, east)]
  if ((north - south + 1) * columns.length > MAX_LISTED_CELLS) return band
  const cells: number[] = []
  for (let r = south; r <= north; r++) for (const c of columns) cells.push(r * CELLS_PER_ROW + c)
  return { cells }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)
}
