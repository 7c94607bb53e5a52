import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { HandlerPool, PoolClosedError } from '../../src/infra/queue/pool.js'
import { Autoscaler } from '../../src/jobs/autoscale.js'

describe('handler pool', () => {
  it('runs at most its size at once, and starts waiting work when it grows', async () => {
    const pool = new HandlerPool(1, 3)
    const releases: (() => void)[] = []
    const block = () => new Promise<void>((resolve) => releases.push(resolve))
    const runs = [pool.run(block), pool.run(block), pool.run(block)]
    await Promise.resolve()
    expect([pool.running, pool.waiting, pool.free]).toEqual([1, 2, 0])
    pool.resize(3)
    await Promise.resolve()
    expect([pool.running, pool.waiting]).toEqual([3, 0])
    pool.resize(1)
    for (const release of releases.splice(0)) release()
    await Promise.all(runs)
    expect([pool.running, pool.size]).toEqual([0, 1])
    pool.resize(0)
    expect(pool.size).toBe(1)
  })
  it('gives back waiting work when it closes, and lets running work finish', async () => {
    const pool = new HandlerPool(1)
    let release!: () => void
    const running = pool.run(() => new Promise<void>((resolve) => (release = resolve)))
    const waiting = pool.run(async () => 'never')
    pool.close()
    await expect(waiting).rejects.toBeInstanceOf(PoolClosedError)
    await expect(pool.run(async () => 'late')).rejects.toBeInstanceOf(PoolClosedError)
    release()
    await running
    expect(pool.running).toBe(0)
  })
})

describe('autoscaler', () => {
  it('grows at once with the backlog, up to the maximum, and shrinks only after the delay', () => {
    let now = 0
    const pool = new HandlerPool(1, 8)
    const scaler = new Autoscaler({
      task: 't',
      pool,
      min: 2,
      max: 8,
      scaleDownAfterMs: 30_000,
      now: () => now,
    })
    expect(pool.size).toBe(2)
    expect(scaler.update(5)).toBe(5)
    expect(scaler.update(100)).toBe(8)
    now += 10_000
    expect(scaler.update(0)).toBe(8) // idle, but not for long enough
    now += 29_000
    expect(scaler.update(3)).toBe(8) // still below the size: the idle time keeps counting
    now += 1000
    expect(scaler.update(0)).toBe(2)
  })

  it('forgets an idle spell when work comes back', () => {
    let now = 0
    const pool = new HandlerPool(1, 4)
    const scaler = new Autoscaler({ task: 't', pool, min: 1, max: 4, scaleDownAfterMs: 1000, now: () => now })
    scaler.update(4)
    now += 900
    scaler.update(0)
    now += 50
    expect(scaler.update(10)).toBe(4)
    now += 900
    expect(scaler.update(0)).toBe(4)
  })

  it('is configured between a minimum and a maximum', () => {
    const config = loadConfig({ HBNB_WORKER_MIN_CONCURRENCY: '2', HBNB_WORKER_MAX_CONCURRENCY: '8' }, false)
    expect([config.workerMinConcurrency, config.workerMaxConcurrency]).toEqual([2, 8])
    expect(() =>
      loadConfig({ HBNB_WORKER_MIN_CONCURRENCY: '9', HBNB_WORKER_MAX_CONCURRENCY: '8' }, false),
    ).toThrow('HBNB_WORKER_MIN_CONCURRENCY: must not be larger than HBNB_WORKER_MAX_CONCURRENCY')
  })
})
