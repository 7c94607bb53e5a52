// Real Redis topologies for tests, on loopback and free ports, in a temporary directory: a Redis
// Cluster of three primaries (no replicas), and a primary with one replica watched by one Sentinel.
// Every process is stopped by its PID (and dies with the test process in any case).
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort, killWithTest } from './processes.js'

const run = promisify(execFile)

/** Whether redis-server and redis-cli are installed (a test needing them fails under CI=true, else skips). */
export function redisToolsInstalled(): boolean {
  return ['redis-server', 'redis-cli'].every((tool) => spawnSync(tool, ['--version']).status === 0)
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])
  return stdout.trim()
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

function startServer(dir: string, port: number, extra: string[]): ChildProcess {
  mkdirSync(dir, { recursive: true })
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ]
  return killWithTest(spawn('redis-server', [...args, ...extra], { stdio: 'ignore' }))
}

/** Three cluster primaries on free ports, their 16384 slots split between them. */
export async function startRedisCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'hbnb-redis-cluster-'))
  const ports = [await freePort(), await freePort(), await freePort()]
  const children: ChildProcess[] = []
  for (const port of ports) {
    // The cluster bus port is given too: the default (port + 10000) may be taken or out of range.
    const busPort = await freePort()
    children.push(
      startServer(join(dir, String(port)), port, [
        '--cluster-enabled',
        'yes',
        '--cluster-port',
        String(busPort),
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '2000',
      ]),
    )
  }
  const cluster = {
    ports,
    url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`,
    /** Runs a redis-cli command against the node on `port`. */
    cli,
    async stop() {
      await Promise.all(children.map(stop))
      rmSync(dir, { recursive: true, force: true })
    },
  }
  try {
    for (const port of ports)
      await waitFor(async () => (await cli(port, 'PING')) === 'PONG', `redis on ${port}`)
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ])
    for (const port of ports) {
      await waitFor(
        async () => (await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
        'the cluster',
      )
    }
  } catch (error) {
    await cluster.stop()
    throw error
  }
  return cluster
}

export type RedisCluster = Awaited<ReturnType<typeof startRedisCluster>>

/** A primary, one replica of it and one Sentinel (quorum 1) watching it under the name `hbnb`. */
export async function startRedisSentinel() {
  const dir = mkdtempSync(join(tmpdir(), 'hbnb-redis-sentinel-'))
  const [primary, replica, sentinel] = [await freePort(), await freePort(), await freePort()]
  const children = [
    startServer(join(dir, 'primary'), primary, []),
    startServer(join(dir, 'replica'), replica, ['--replicaof', '127.0.0.1', String(primary)]),
  ]
  const topology = {
    primary,
    replica,
    sentinel,
    name: 'hbnb',
    url: `redis+sentinel://127.0.0.1:${sentinel}/hbnb`,
    cli,
    async stop() {
      await Promise.all(children.map(stop))
      rmSync(dir, { recursive: true, force: true })
    },
  }
  try {
    await waitFor(
      async () => (await cli(replica, 'INFO', 'replication')).includes('master_link_status:up'),
      'the replica',
    )
    const config = join(dir, 'sentinel.conf')
    writeFileSync(
      config,
      [
        `port ${sentinel}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor hbnb 127.0.0.1 ${primary} 1`,
        'sentinel down-after-milliseconds hbnb 1000',
        'sentinel failover-timeout hbnb 5000',
        '',
      ].join('\n'),
    )
    children.push(killWithTest(spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' })))
    await waitFor(
      async () => (await cli(sentinel, 'SENTINEL', 'REPLICAS', 'hbnb')).includes(String(replica)),
      'the sentinel to see the replica',
    )
  } catch (error) {
    await topology.stop()
    throw error
  }
  return topology
}
