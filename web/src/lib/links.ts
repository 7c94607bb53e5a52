// Web addresses in plain text: what a message shows as links.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi
/** Punctuation that ends a sentence rather than the address it follows. */
const TRAILING = /[.,;:!?)\]]+$/

export interface TextPart {
  text: string
  href?: string
}

/** The text cut into plain parts and links (http and https addresses only). */
export function linkParts(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0
    const address = match[0].replace(TRAILING, '')
    if (start > last) parts.push({ text: text.slice(last, start) })
    parts.push({ text: address, href: address })
    last = start + address.length
  }
  if (last < text.length) parts.push({ text: text.slice(last) })
  return parts
}
