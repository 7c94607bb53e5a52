import { createHash, randomBytes } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import type { Actor } from '../../domain/actor.js'
import { unauthorized } from '../../errors.js'
import { uuidv7 } from '../../ids.js'

/** The claims of a valid access token: the caller, and the login it belongs to. */
export interface AccessClaims extends Actor {
  /** The `sid` claim: the refresh-token family of the login (absent from tokens of older versions). */
  sessionId?: string
  /** When the token expires (milliseconds since the epoch). */
  expiresAt: number
}

/** Turns a bearer token into the caller, or throws a 401. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<Actor>
}

/**
 * HS256 access tokens shaped like Flask-JWT-Extended's, which HBnB clients decode:
 * `sub` is the user id as a string and `is_admin` a top-level boolean claim. `sid` names the
 * login (refresh-token family), so that ending the login refuses its access tokens too.
 */
export class AccessTokens {
  private readonly key: Uint8Array

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret)
  }

  sign(actor: Actor, sessionId: string, now = Date.now()): Promise<string> {
    const iat = Math.floor(now / 1000)
    return new SignJWT({ is_admin: actor.isAdmin, type: 'access', sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(actor.id)
      .setJti(uuidv7())
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .sign(this.key)
  }

  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] })
      if (typeof payload.sub !== 'string' || payload.type !== 'access') throw unauthorized('Invalid token')
      const claims: AccessClaims = {
        id: payload.sub,
        isAdmin: payload.is_admin === true,
        expiresAt: (payload.exp ?? 0) * 1000,
      }
      if (typeof payload.sid === 'string') claims.sessionId = payload.sid
      return claims
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
