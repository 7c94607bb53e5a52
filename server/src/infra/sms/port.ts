// The SMS port: business code sends text messages; the driver decides where they go.

export interface SmsMessage {
  /** Recipient in E.164 form, e.g. `+33612345678`. */
  to: string
  body: string
  /** Stable key of this message, so duplicates can be recognised. */
  dedupeKey?: string
}

export interface SmsSender {
  send(message: SmsMessage): Promise<void>
  close(): Promise<void>
}

/** A message the SMS provider refused or could not take; `status` is the provider's HTTP status. */
export class SmsDeliveryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryable = false,
  ) {
    super(message)
    this.name = 'SmsDeliveryError'
  }
}
