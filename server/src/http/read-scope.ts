// Every request runs in its own read context (db/read-context.ts): reads know which client they
// serve, so that replicas are used only once they have the client's own recent writes.
import type { FastifyRequest } from 'fastify'
import { type ReadContext, requestReadContext, runInReadContext } from '../db/read-context.js'
import type { HttpApp } from './context.js'

export function registerReadScope(app: HttpApp) {
  const contexts = new WeakMap<FastifyRequest, ReadContext>()
  app.addHook('onRequest', (request, _reply, done) => {
    const context = requestReadContext(request.ip)
    contexts.set(request, context)
    runInReadContext(context, done)
  })
  // Body parsing continues in the socket's async context; the handler gets the request's back here.
  app.addHook('preHandler', (request, _reply, done) => {
    const context = contexts.get(request)
    if (context) runInReadContext(context, done)
    else done()
  })
}
