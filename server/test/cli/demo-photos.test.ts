// The demo listings' drawn photos: made once, for the demo hosts' listings only, stored like any.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { seedDemoPhotos } from '../../src/cli/demo-photos.js'
import { seedDemoData } from '../../src/cli/seed.js'
import { FileObjectStorage } from '../../src/infra/storage/file.js'
import { describeEachDriver } from '../helpers/test-app.js'

describeEachDriver('demo photos', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hbnb-demo-photos-'))
  const storage = new FileObjectStorage(dir)
  let realPlace: string
  beforeAll(async () => {
    const host = await t().user()
    realPlace = (await t().place(host.token, { title: 'A real host’s flat' })).id
    await seedDemoData(t().app.database, undefined, 1)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("gives each demo listing three drawn photos, and never a real host's listing", async () => {
    const added = await seedDemoPhotos(t().app.database, storage)
    const demoPlaces = await t()
      .app.database.write.selectFrom('places')
      .innerJoin('users', 'users.id', 'places.owner_id')
      .select('places.id')
      .where('users.email_key', 'like', 'host%@hbnb.io')
      .execute()
    expect(demoPlaces.length).toBeGreaterThan(10)
    expect(added).toBe(demoPlaces.length * 3)
    const listed = (await t().get(`/api/v1/places/${demoPlaces[0]!.id}/photos`)).body
    expect(listed).toHaveLength(3)
    expect(listed[0]).toMatchObject({
      status: 'ready',
      width: 1200,
      height: 800,
      alt_text: expect.stringMatching(/^Drawing: /),
    })
    expect((await t().get(`/api/v1/places/${realPlace}/photos`)).body).toEqual([])
    // Their variants are stored (8 scenes, 4 widths, 3 formats).
    const keys: string[] = []
    for await (const object of storage.list('media/')) keys.push(object.key)
    expect(keys).toHaveLength(8 * 4 * 3)
    // Run again: every demo listing has photos, nothing is added.
    expect(await seedDemoPhotos(t().app.database, storage)).toBe(0)
  })
})
