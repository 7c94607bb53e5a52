// A draining pool worker lets its clients close their idle keep-alive connections: a request sent on
// one after the drain began is answered (with `Connection: close`), never reset. A reset there is
// what NGINX cannot resend for a POST (the chaos run's rolling restart lost a login that way).
import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { trackRequests } from '../../src/lifecycle.js'
import { stopTakingConnections } from '../../src/pool.js'

function post(port: number, agent: Agent): Promise<{ status: number; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent }, (response) => {
      response.resume()
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }),
      )
    })
    req.once('error', reject)
    req.end('{}')
  })
}

describe('stopTakingConnections', () => {
  it('answers a request on an idle keep-alive connection after the drain began, then lets the client close', async () => {
    const server = createServer((_request, response) => response.end('ok'))
    const requests = trackRequests(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    expect((await post(port, agent)).status).toBe(200)

    const draining = stopTakingConnections(server, () => requests.closeConnections(), 5_000)
    await sleep(1_500) // past the hand-off grace: http's own close would have dropped the idle socket
    const answer = await post(port, agent)
    expect(answer.status).toBe(200)
    expect(answer.connection).toBe('close')
    await draining
    let open = -1
    server.getConnections((_error, count) => {
      open = count
    })
    await sleep(50)
    expect(open).toBe(0)
    agent.destroy()
    server.close()
  })
})
