import type { FastifyReply, FastifyRequest } from 'fastify'
import type { HttpContext } from '../../http/context.js'
import { authAttemptLimits } from '../../http/rate-limit.js'
import { bearerAuth, errors, MessageResponse } from '../../http/schemas.js'
import { DeviceCookies, RefreshCookie, wantsSessionCookie } from '../../http/session-cookies.js'
import { UserCreateBody, UserPublic } from '../users/schemas.js'
import { accountRoutes } from './account-routes.js'
import { LoginBody, ProtectedResponse, RefreshBody, SessionResponse } from './schemas.js'
import type { Session } from './service.js'

type SessionBody = Omit<Session, 'refresh_token'> & { refresh_token?: string }

export function authRoutes(context: HttpContext) {
  const { app, auth, services, config } = context
  const { auth: authService } = services
  const tags = ['Auth']
  const limits = authAttemptLimits(config)
  const devices = new DeviceCookies(config.jwtSecret)
  const refreshCookie = new RefreshCookie(config.refreshTokenTtlSeconds)
  /** The session as API clients get it; a web client that asked gets its refresh token as a cookie. */
  const answer = (request: FastifyRequest, reply: FastifyReply, session: Session): SessionBody => {
    if (!wantsSessionCookie(request)) return session
    const { refresh_token, ...rest } = session
    refreshCookie.set(reply, refresh_token)
    return rest
  }

  for (const url of ['/api/v1/auth/login', '/api/v1/login']) {
    app.post(
      url,
      {
        config: { rateLimit: limits.perAddressAndAccount('login', devices) },
        schema: {
          tags,
          summary: 'Log in with email and password',
          body: LoginBody,
          response: { 200: SessionResponse, ...errors(400, 401, 429) },
        },
      },
      async (request, reply) => {
        const session = await authService.login(request.body.email, request.body.password)
        devices.issue(reply, session.user.email)
        return answer(request, reply, session)
      },
    )
  }

  app.post(
    '/api/v1/auth/register',
    {
      config: { rateLimit: limits.perAddressAndAccount() },
      schema: {
        tags,
        summary: 'Sign up (when the server allows it) and log in; emails a welcome with a verification link',
        body: UserCreateBody,
        response: { 201: SessionResponse, ...errors(400, 403, 429) },
      },
    },
    async (request, reply) => {
      const session = await authService.register(request.body)
      services.account.welcome(session.user.id)
      return reply.code(201).send(answer(request, reply, session))
    },
  )

  app.post(
    '/api/v1/auth/refresh',
    {
      config: { rateLimit: limits.perAddress },
      schema: {
        tags,
        summary: 'Trade a refresh token for a new access token and refresh token',
        body: RefreshBody,
        response: { 200: SessionResponse, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const session = await authService.refresh(refreshCookie.require(request, request.body?.refresh_token))
      return answer(request, reply, session)
    },
  )

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        tags,
        summary: 'End the login a refresh token belongs to',
        body: RefreshBody,
        response: { 200: MessageResponse, ...errors(400) },
      },
    },
    async (request, reply) => {
      const token = request.body?.refresh_token ?? refreshCookie.read(request)
      if (token !== undefined) await authService.logout(token)
      if (wantsSessionCookie(request)) refreshCookie.clear(reply)
      return { message: 'Logged out' }
    },
  )

  app.post(
    '/api/v1/auth/logout-all',
    {
      schema: {
        tags,
        summary: 'End every login of the caller',
        security: bearerAuth,
        response: { 200: MessageResponse, ...errors(401) },
      },
    },
    async (request) => {
      await authService.logoutEverywhere(await auth.require(request))
      return { message: 'Logged out everywhere' }
    },
  )

  app.get(
    '/api/v1/auth/me',
    {
      schema: {
        tags,
        summary: 'The caller',
        security: bearerAuth,
        response: { 200: UserPublic, ...errors(401, 404) },
      },
    },
    async (request) => authService.me(await auth.require(request)),
  )

  app.get(
    '/api/v1/auth/protected',
    {
      schema: {
        tags,
        summary: 'Check a token',
        security: bearerAuth,
        response: { 200: ProtectedResponse, ...errors(401) },
      },
    },
    async (request) => {
      const actor = await auth.require(request)
      return { message: `Hello, user ${actor.id}`, is_admin: actor.isAdmin }
    },
  )

  accountRoutes(context)
}
