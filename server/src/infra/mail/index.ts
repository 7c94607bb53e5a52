import { join } from 'node:path'
import type { Config } from '../../config.js'
import { FileMailSender } from './file.js'
import type { MailSender } from './port.js'
import { SmtpMailSender } from './smtp.js'

/** The configured mail driver: SMTP when `HBNB_SMTP_URL` is set, else files under `<data dir>/mail`. */
export function createMailSender(config: Config): MailSender {
  return config.smtpUrl
    ? new SmtpMailSender(config.smtpUrl, config.mailFrom)
    : new FileMailSender(join(config.dataDir, 'mail'), config.mailFrom)
}
