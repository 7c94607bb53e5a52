// A real S3-compatible server on loopback: s3rver (objects as files in a temporary directory) in
// its own process, speaking the S3 REST API that the AWS SDK uses against AWS. It runs with
// OpenSSL's legacy provider: its list continuation tokens are DES-encrypted.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { S3Options } from '../../src/infra/storage/s3.js'
import { killWithTest } from './processes.js'

/** s3rver's only key pair. */
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

const S3RVER_BIN = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js')

export interface S3TestServerOptions {
  /**
   * Origins whose pages may send presigned `PUT`s to the buckets (CORS), e.g. `http://127.0.0.1:*`
   * for a browser on a web client served from loopback.
   */
  corsOrigins?: string[]
}

export class S3TestServer {
  private child: ChildProcess | undefined
  private dir: string | undefined
  private configDir: string | undefined
  endpoint = ''

  constructor(
    readonly buckets: string[] = ['hbnb-test'],
    private readonly serverOptions: S3TestServerOptions = {},
  ) {}

  /** The bucket configuration files (CORS) given to each bucket. */
  private async bucketConfigs(): Promise<string[]> {
    const origins = this.serverOptions.corsOrigins
    if (!origins?.length) return []
    this.configDir = await mkdtemp(join(tmpdir(), 'hbnb-s3-config-'))
    const file = join(this.configDir, 'cors.xml')
    const allowed = origins.map((origin) => `<AllowedOrigin>${origin}</AllowedOrigin>`).join('')
    await writeFile(
      file,
      `<CORSConfiguration><CORSRule>${allowed}<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>` +
        '<AllowedHeader>*</AllowedHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>',
    )
    return [file]
  }

  async start(): Promise<this> {
    this.dir = await mkdtemp(join(tmpdir(), 'hbnb-s3-'))
    const configs = await this.bucketConfigs()
    const buckets = this.buckets.flatMap((name) => ['--configure-bucket', name, ...configs])
    const child = spawn(
      process.execPath,
      [
        '--openssl-legacy-provider',
        S3RVER_BIN,
        '-d',
        this.dir,
        '-a',
        '127.0.0.1',
        '-p',
        '0',
        '-s',
        ...buckets,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    this.child = killWithTest(child)
    const port = await new Promise<number>((resolve, reject) => {
      let output = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk
        const match = /listening on [\d.]+:(\d+)/.exec(output)
        if (match) resolve(Number(match[1]))
      })
      child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening: ${output}`)))
    })
    this.endpoint = `http://127.0.0.1:${port}`
    return this
  }

  /** The options of a storage driver for one of this server's buckets. */
  options(bucket = this.buckets[0]!): S3Options {
    return {
      bucket,
      region: 'us-east-1',
      endpoint: this.endpoint,
      forcePathStyle: true,
      credentials: S3_CREDENTIALS,
    }
  }

  async close(): Promise<void> {
    const child = this.child
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    for (const dir of [this.dir, this.configDir]) if (dir) await rm(dir, { recursive: true, force: true })
  }
}
