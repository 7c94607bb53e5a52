import type { Config } from '../../config.js'
import { FileObjectStorage } from './file.js'
import type { ObjectStorage } from './port.js'
import { S3ObjectStorage } from './s3.js'

export type { ObjectStorage } from './port.js'

/** S3 when a bucket is set, else files under the storage directory. */
export function createObjectStorage(config: Config): ObjectStorage {
  if (!config.s3Bucket) return new FileObjectStorage(config.storageDir)
  return new S3ObjectStorage({
    bucket: config.s3Bucket,
    region: config.s3Region,
    forcePathStyle: config.s3PathStyle,
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
    ...(config.s3AccessKeyId && config.s3SecretAccessKey
      ? { credentials: { accessKeyId: config.s3AccessKeyId, secretAccessKey: config.s3SecretAccessKey } }
      : {}),
  })
}

/**
 * The origin browsers send direct uploads to (the presigned URLs' scheme and host), so the web
 * client's policy lets them: the endpoint (path-style) or the bucket's own host; none without S3.
 */
export function directUploadOrigin(config: Config): string | undefined {
  const bucket = config.s3Bucket
  if (!bucket) return undefined
  if (!config.s3Endpoint) return `https://${bucket}.s3.${config.s3Region}.amazonaws.com`
  const endpoint = new URL(config.s3Endpoint)
  return config.s3PathStyle ? endpoint.origin : `${endpoint.protocol}//${bucket}.${endpoint.host}`
}
