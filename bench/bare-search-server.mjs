// The baseline of `npm run bench:search`: a bare node:http server answering recorded HBNB responses,
// byte for byte, one per URL. Usage: node bench/bare-search-server.mjs <fixtures.json> <port>
// The fixtures file is [{ path, status, contentType, body (base64) }]; other URLs get a 404.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

const [fixturesPath, portArg] = process.argv.slice(2)
if (!fixturesPath || !portArg) {
  console.error('usage: node bench/bare-search-server.mjs <fixtures.json> <port>')
  process.exit(2)
}
const answers = new Map()
for (const fixture of JSON.parse(readFileSync(fixturesPath, 'utf8'))) {
  const body = Buffer.from(fixture.body, 'base64')
  answers.set(fixture.path, {
    status: fixture.status,
    headers: { 'content-type': fixture.contentType, 'content-length': body.length },
    body,
  })
}

const server = createServer((req, res) => {
  req.on('data', () => {})
  req.on('end', () => {
    const answer = req.method === 'GET' ? answers.get(req.url) : undefined
    if (answer) {
      res.writeHead(answer.status, answer.headers)
      res.end(answer.body)
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
