// Objects in an S3 bucket (AWS or any S3-compatible server: MinIO, Ceph, R2, Garage...) through
// the AWS SDK v3. The SDK is loaded on first use, so processes without S3 never pay for it.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import type { S3Client } from '@aws-sdk/client-s3'
import { clientSpan, tracingOn } from '../../tracing.js'
import {
  checkObjectKey,
  checkObjectPrefix,
  type DirectUpload,
  type ListedObject,
  type ObjectInfo,
  type ObjectStorage,
  type PutOptions,
} from './port.js'

export interface S3Options {
  bucket: string
  region: string
  /** An S3-compatible server's URL; unset: AWS. */
  endpoint?: string
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`. */
  forcePathStyle: boolean
  /** Unset: the SDK's default chain (environment, shared files, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string }
}

type Sdk = typeof import('@aws-sdk/client-s3')

let sdkLoading: Promise<Sdk> | undefined
const sdk = () => {
  sdkLoading ??= import('@aws-sdk/client-s3')
  return sdkLoading
}

function isNotFound(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } }
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404
}

export class S3ObjectStorage implements ObjectStorage {
  readonly kind = 's3'
  private client: Promise<S3Client> | undefined

  constructor(private readonly options: S3Options) {}

  private s3(): Promise<S3Client> {
    this.client ??= sdk().then(({ S3Client }) => {
      const { region, endpoint, forcePathStyle, credentials } = this.options
      const client = new S3Client({
        region,
        forcePathStyle,
        ...(endpoint ? { endpoint } : {}),
        ...(credentials ? { credentials } : {}),
        // Checksums only where S3 requires them: many S3-compatible servers refuse the SDK's
        // default `aws-chunked` uploads with trailing checksums.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      })
      if (tracingOn()) this.traceCommands(client)
      return client
    })
    return this.client
  }

  /** Each command the client sends (a multipart upload's parts too) in a client span of its own. */
  private traceCommands(client: S3Client): void {
    const server = this.options.endpoint ? new URL(this.options.endpoint).hostname : 's3.amazonaws.com'
    client.middlewareStack.add(
      (next, context) => (args) =>
        clientSpan(
          `S3 ${context.commandName}`,
          {
            'rpc.system': 'aws-api',
            'rpc.service': 'S3',
            'rpc.method': String(context.commandName).replace(/Command$/, ''),
            'aws.s3.bucket': this.options.bucket,
            'server.address': server,
          },
          () => next(args),
        ),
      { step: 'initialize', name: 'hbnbTraceSpan' },
    )
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions): Promise<void> {
    const target = {
      Bucket: this.options.bucket,
      Key: checkObjectKey(key),
      Body: body,
      ContentType: options.contentType,
      ...(options.cacheControl ? { CacheControl: options.cacheControl } : {}),
    }
    const client = await this.s3()
    if (Buffer.isBuffer(body)) {
      const { PutObjectCommand } = await sdk()
      await client.send(new PutObjectCommand(target))
      return
    }
    // A stream of unknown length: a multipart upload, one part held in memory at a time.
    const { Upload } = await import('@aws-sdk/lib-storage')
    await new Upload({ client, params: target, queueSize: 1 }).done()
  }

  /** One `PutObject` of the file's known length (a stream of unknown length needs a multipart upload). */
  async putFile(key: string, path: string, options: PutOptions): Promise<void> {
    const { size } = await stat(path)
    const { PutObjectCommand } = await sdk()
    await (await this.s3()).send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: checkObjectKey(key),
        Body: createReadStream(path),
        ContentLength: size,
        ContentType: options.contentType,
        ...(options.cacheControl ? { CacheControl: options.cacheControl } : {}),
      }),
    )
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const { HeadObjectCommand } = await sdk()
    try {
      const head = await (await this.s3()).send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: checkObjectKey(key) }),
      )
      return {
        key,
        size: head.ContentLength ?? 0,
        contentType: head.ContentType ?? 'application/octet-stream',
        ...(head.CacheControl ? { cacheControl: head.CacheControl } : {}),
        lastModified: head.LastModified ?? new Date(0),
      }
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async get(key: string): Promise<{ body: Readable; info: ObjectInfo } | undefined> {
    const { GetObjectCommand } = await sdk()
    try {
      const object = await (await this.s3()).send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: checkObjectKey(key) }),
      )
      return {
        body: object.Body as Readable,
        info: {
          key,
          size: object.ContentLength ?? 0,
          contentType: object.ContentType ?? 'application/octet-stream',
          ...(object.CacheControl ? { cacheControl: object.CacheControl } : {}),
          lastModified: object.LastModified ?? new Date(0),
        },
      }
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    const { DeleteObjectCommand } = await sdk()
    await (await this.s3()).send(
      new DeleteObjectCommand({ Bucket: this.options.bucket, Key: checkObjectKey(key) }),
    )
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    const { ListObjectsV2Command } = await sdk()
    const client = await this.s3()
    let token: string | undefined
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: checkObjectPrefix(prefix),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      )
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue
        yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  async directUpload(
    key: string,
    { contentType, size, expiresInSeconds }: { contentType: string; size: number; expiresInSeconds: number },
  ): Promise<DirectUpload> {
    const [{ PutObjectCommand }, { getSignedUrl }] = await Promise.all([
      sdk(),
      import('@aws-sdk/s3-request-presigner'),
    ])
    const command = new PutObjectCommand({
      Bucket: this.options.bucket,
      Key: checkObjectKey(key),
      ContentType: contentType,
      ContentLength: size,
    })
    // Type and length are signed: S3 refuses a body of another size or a request of another type.
    const url = await getSignedUrl(await this.s3(), command, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
    })
    return {
      url,
      method: 'PUT',
      headers: { 'content-type': contentType, 'content-length': String(size) },
      expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
    }
  }

  async close(): Promise<void> {
    const client = await this.client
    client?.destroy()
  }
}
