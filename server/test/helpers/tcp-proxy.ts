// A TCP proxy on loopback between the app and a service (RabbitMQ), to cut the connection without
// stopping the service, which other test runs share. `cut()` drops every open connection and
// refuses new ones (accepted, then closed at once) until `restore()`.
import { connect, createServer, type Socket } from 'node:net'

export async function startTcpProxy(target: { host: string; port: number }) {
  const open = new Set<Socket>()
  let cut = false
  const server = createServer((client) => {
    if (cut) {
      client.destroy()
      return
    }
    const upstream = connect(target.port, target.host)
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(from)
      from.pipe(to)
      from.on('error', () => to.destroy())
      from.on('close', () => {
        open.delete(from)
        to.destroy()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    port,
    /** Connections made through the proxy and still open. */
    get connections() {
      return open.size / 2
    },
    cut() {
      cut = true
      for (const socket of open) socket.destroy()
    },
    restore() {
      cut = false
    },
    async close() {
      cut = true
      for (const socket of open) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>
