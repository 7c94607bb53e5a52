// With tracing on, each call to another service is a client span of the caller's trace: Redis
// commands, S3 commands (the AWS SDK's) and the SMS provider's HTTP API, which is also sent the
// trace's `traceparent`. Real Redis and S3-compatible servers on loopback, the Twilio-shaped stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedis } from '../../src/infra/redis.js'
import { HttpSmsSender } from '../../src/infra/sms/http.js'
import { S3ObjectStorage } from '../../src/infra/storage/s3.js'
import { inSpan, startTracing, stopTracing } from '../../src/tracing.js'
import { FakeSmsApi } from '../helpers/fake-sms-api.js'
import { attribute, KIND, type OtlpSpan, startCollector } from '../helpers/otlp-collector.js'
import { type RedisProcess, startRedis } from '../helpers/processes.js'
import { S3TestServer } from '../helpers/s3-server.js'

describe('client spans of calls to other services', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>
  let redisServer: RedisProcess
  let s3: S3TestServer
  let sms: FakeSmsApi
  let spans: OtlpSpan[] = []
  let parent: OtlpSpan

  beforeAll(async () => {
    collector = await startCollector()
    redisServer = await startRedis()
    s3 = await new S3TestServer().start()
    sms = new FakeSmsApi()
    const smsUrl = await sms.start()
    await startTracing(collector.url, 'hbnb-test')
    const redis = createRedis(redisServer.url)
    await new Promise((resolve) => redis.once('ready', resolve))
    const storage = new S3ObjectStorage(s3.options())
    const sender = new HttpSmsSender({
      apiUrl: smsUrl,
      accountSid: sms.accountSid,
      authToken: sms.authToken,
      from: '+15550001111',
    })
    await inSpan('caller', {}, async () => {
      await redis.set('traced-key', 'v')
      await redis.get('traced-key')
      await storage.put('traced/object.txt', Buffer.from('hello'), { contentType: 'text/plain' })
      await storage.head('traced/object.txt')
      await sender.send({ to: '+33612345678', body: 'traced' })
    })
    await stopTracing()
    redis.disconnect()
    await sender.close()
    spans = collector.spans
    parent = spans.find((span) => span.name === 'caller')!
  }, 60_000)

  afterAll(async () => {
    await stopTracing()
    await sms?.close()
    await s3?.close()
    await redisServer?.stop()
    collector?.close()
  })

  const children = () => spans.filter((span) => span.parentSpanId === parent.spanId)

  it('give each Redis command a client span', () => {
    const redis = children().filter((span) => attribute(span, 'db.system.name') === 'redis')
    expect(redis.map((span) => span.name)).toEqual(['SET', 'GET'])
    expect(redis.every((span) => span.kind === KIND.CLIENT)).toBe(true)
  })

  it('give each S3 command a client span naming the operation and bucket', () => {
    const s3Spans = children().filter((span) => attribute(span, 'rpc.service') === 'S3')
    expect(s3Spans.map((span) => attribute(span, 'rpc.method'))).toEqual(['PutObject', 'HeadObject'])
    expect(s3Spans.every((span) => span.kind === KIND.CLIENT)).toBe(true)
    expect(s3Spans.every((span) => attribute(span, 'aws.s3.bucket') === s3.options().bucket)).toBe(true)
  })

  it("send the SMS provider the trace's traceparent, from a client span of the request", () => {
    const post = children().find((span) => span.name === 'POST')!
    expect(post.kind).toBe(KIND.CLIENT)
    expect(attribute(post, 'server.address')).toBe('127.0.0.1')
    expect(sms.requests.at(-1)?.traceparent).toBe(`00-${post.traceId}-${post.spanId}-01`)
  })
})
