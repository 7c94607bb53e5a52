// The object storage port: media files and off-site backups are objects under keys; the driver
// decides where they live (a directory of the data dir, or an S3-compatible bucket).
import type { Readable } from 'node:stream'

export interface ObjectInfo {
  key: string
  size: number
  contentType: string
  /** The `Cache-Control` the object is served with, if it was given one. */
  cacheControl?: string
  lastModified: Date
}

/** What a listing tells of each object. */
export type ListedObject = Pick<ObjectInfo, 'key' | 'size' | 'lastModified'>

export interface PutOptions {
  contentType: string
  cacheControl?: string
}

/** A request a browser sends to store one object directly (a presigned S3 `PUT`). */
export interface DirectUpload {
  url: string
  method: 'PUT'
  /** Headers the request must carry exactly as given (they are signed). */
  headers: Record<string, string>
  expiresAt: Date
}

export interface ObjectStorage {
  /** `file` (a directory) or `s3`. */
  readonly kind: 'file' | 's3'
  /**
   * A direct upload of exactly `size` bytes of `contentType` to `key`, valid for `expiresInSeconds`;
   * undefined when the store cannot take uploads from browsers (files: they go through the API).
   */
  directUpload(
    key: string,
    options: { contentType: string; size: number; expiresInSeconds: number },
  ): Promise<DirectUpload | undefined>
  /** Stores `body` under `key`, replacing what was there. A stream is written as it arrives. */
  put(key: string, body: Buffer | Readable, options: PutOptions): Promise<void>
  /** Stores a copy of the local file at `path` (left where it is) under `key`, replacing what was there. */
  putFile(key: string, path: string, options: PutOptions): Promise<void>
  /** The object's bytes and description, or undefined when there is none. */
  get(key: string): Promise<{ body: Readable; info: ObjectInfo } | undefined>
  head(key: string): Promise<ObjectInfo | undefined>
  /** Removes the object; removing one that is not there is not an error. */
  delete(key: string): Promise<void>
  /** Every object whose key starts with `prefix`, once each (in no promised order). */
  list(prefix: string): AsyncIterable<ListedObject>
  close(): Promise<void>
}

/** Keys are relative paths of plain segments: letters, digits, `-`, `_`, `.` (never `.` or `..` alone). */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/
const LONGEST_KEY = 512

export class InvalidObjectKeyError extends Error {
  constructor(key: string) {
    super(
      `invalid object key ${JSON.stringify(key.slice(0, 80))}: expected segments of [A-Za-z0-9._-] joined by /`,
    )
    this.name = 'InvalidObjectKeyError'
  }
}

export function checkObjectKey(key: string): string {
  const valid =
    key.length > 0 &&
    key.length <= LONGEST_KEY &&
    key.split('/').every((segment) => SEGMENT.test(segment) && segment !== '..')
  if (!valid) throw new InvalidObjectKeyError(key)
  return key
}

/** A prefix to list by: a key, or a key's start ending in `/`, or empty for everything. */
export function checkObjectPrefix(prefix: string): string {
  if (prefix === '') return prefix
  checkObjectKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix)
  return prefix
}
