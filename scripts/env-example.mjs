// Writes .env.example from the settings in server/src/config.ts (run after `npm run build --workspace
// server`): every HBNB_* setting with its description and default, and the values a production
// deployment (compose.yaml, deploy/systemd) sets. `--check` only says whether the file is up to date
// (server/test/deploy/deployment.test.ts runs it).
import { readFileSync, writeFileSync } from 'node:fs'
import { SETTINGS } from '../server/dist/config.js'

/** What compose.yaml's services share; `change-me` marks what every installation must choose. */
const PRODUCTION = {
  HBNB_ENV: 'production',
  HBNB_JWT_SECRET: '',
  HBNB_ADMIN_EMAIL: 'admin@example.com',
  HBNB_ADMIN_PASSWORD: '',
  HBNB_DATABASE_URL: 'mysql://hbnb:change-me@db-primary:3306/hbnb',
  HBNB_DATABASE_REPLICA_URLS: 'mysql://hbnb:change-me@db-replica-1:3306/hbnb',
  HBNB_REDIS_URL: 'redis://redis:6379/0',
  HBNB_AMQP_URL: 'amqp://hbnb:change-me@rabbitmq:5672',
  HBNB_TRUST_PROXY: 'private',
  HBNB_OPS_ALLOW: 'private',
  HBNB_PUBLIC_URL: 'https://hbnb.example.com',
  HBNB_LOG_FORMAT: 'json',
}

function wrap(text, width = 98) {
  const lines = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines.map((l) => `# ${l}`)
}

const out = [
  '# HBNB settings: copy to .env (read by `hbnb`, by compose.yaml and by the units in deploy/systemd)',
  '# and fill in every empty value and every `change-me`. Every HBNB_* setting is here, with its',
  '# description and its default; the uncommented lines are what a production deployment with',
  '# compose.yaml sets (with systemd on one machine, use 127.0.0.1 instead of the service names).',
  '# Generated from server/src/config.ts by `npm run docs:env`: do not edit by hand.',
  '',
]
for (const setting of Object.values(SETTINGS)) {
  out.push(...wrap(`${setting.description} Default: ${setting.default}.`))
  const value = PRODUCTION[setting.name]
  out.push(value === undefined ? `# ${setting.name}=` : `${setting.name}=${value}`, '')
}
out.push(
  '# --- compose.yaml only (not read by hbnb): the passwords its MariaDB, RabbitMQ and Grafana start',
  '# with (the same ones as in HBNB_DATABASE_URL, HBNB_DATABASE_REPLICA_URLS and HBNB_AMQP_URL), and',
  '# the workers of each API container (`hbnb serve --workers`).',
  'MARIADB_ROOT_PASSWORD=',
  'MARIADB_PASSWORD=change-me',
  'MARIADB_REPLICATION_PASSWORD=',
  'RABBITMQ_PASSWORD=change-me',
  'GRAFANA_ADMIN_PASSWORD=',
  'API_WORKERS=2',
  '',
)
for (const name of Object.keys(PRODUCTION)) {
  if (!Object.values(SETTINGS).some((setting) => setting.name === name))
    throw new Error(`unknown setting ${name}`)
}
const target = new URL('../.env.example', import.meta.url)
if (process.argv.includes('--check')) {
  // server/test/deploy/deployment.test.ts: the file is what this script writes.
  if (readFileSync(target, 'utf8') !== out.join('\n')) {
    console.error('.env.example is not up to date: run `npm run docs:env`')
    process.exit(1)
  }
} else {
  writeFileSync(target, out.join('\n'))
  console.log(`.env.example: ${Object.keys(SETTINGS).length} settings`)
}
