// The baseline: a bare node:http server answering one recorded HBNB response, byte for byte.
// Usage: node bench/bare-server.mjs <fixture.json> <port>
// The fixture is { method, path, status, contentType, body (base64) }; other requests get a 404.
// Request bodies are read in full before answering, as a real server must.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

const [fixturePath, portArg] = process.argv.slice(2)
if (!fixturePath || !portArg) {
  console.error('usage: node bench/bare-server.mjs <fixture.json> <port>')
  process.exit(2)
}
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8'))
const body = Buffer.from(fixture.body, 'base64')
const headers = { 'content-type': fixture.contentType, 'content-length': body.length }

const server = createServer((req, res) => {
  req.on('data', () => {})
  req.on('end', () => {
    if (req.method === fixture.method && req.url === fixture.path) {
      res.writeHead(fixture.status, headers)
      res.end(body)
    } else {
      res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 })
      res.end('not found')
    }
  })
})
server.keepAliveTimeout = 72_000
server.listen(Number(portArg), '127.0.0.1')

// The benchmark holds our stdin open: when it goes away, however it went, so do we.
process.stdin.on('close', () => process.exit(0))
process.stdin.resume()
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0))
