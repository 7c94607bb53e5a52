import { createHash, randomBytes } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import { unauthorized } from '../../errors.js'
import { uuidv7 } from '../../ids.js'

export interface Actor {
  id: string
  isAdmin: boolean
}

/**
 * HS256 access tokens shaped like Flask-JWT-Extended's, which HBnB clients decode:
 * `sub` is the user id as a string and `is_admin` a top-level boolean claim.
 */
export class AccessTokens {
  private readonly key: Uint8Array

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret)
  }

  sign(actor: Actor, now = Date.now()): Promise<string> {
    const iat = Math.floor(now / 1000)
    return new SignJWT({ is_admin: actor.isAdmin, type: 'access' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(actor.id)
      .setJti(uuidv7())
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .sign(this.key)
  }

  async verify(token: string): Promise<Actor> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] })
      if (typeof payload.sub !== 'string' || payload.type !== 'access') throw unauthorized('Invalid token')
      return { id: payload.sub, isAdmin: payload.is_admin === true }
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthorized('Token has expired', 'token_expired')
      throw unauthorized('Invalid token: log in again to get a new one', 'invalid_token')
    }
  }
}

/** Opaque refresh tokens: random bytes for the client, only their SHA-256 in the database. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url')
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
