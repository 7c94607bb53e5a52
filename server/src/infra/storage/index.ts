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
