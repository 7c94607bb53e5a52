import { join } from 'node:path'
import type { Config } from '../../config.js'
import { FileSmsSender } from './file.js'
import { HttpSmsSender } from './http.js'
import type { SmsSender } from './port.js'

/** The configured SMS driver: the HTTP API when `HBNB_SMS_API_URL` is set, else files under `<data dir>/sms`. */
export function createSmsSender(config: Config): SmsSender {
  if (config.smsApiUrl && config.smsAccountSid && config.smsAuthToken) {
    return new HttpSmsSender({
      apiUrl: config.smsApiUrl,
      accountSid: config.smsAccountSid,
      authToken: config.smsAuthToken,
      from: config.smsFrom,
    })
  }
  return new FileSmsSender(join(config.dataDir, 'sms'), config.smsFrom)
}
