// A message as its sender typed it: plain text (React escapes it), line breaks kept, and web
// addresses shown as links. The text is never rendered as HTML.

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

export function MessageText({ text }: { text: string }) {
  return (
    <p className="message-text">
      {linkParts(text).map((part, i) =>
        part.href ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never move
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow ugc">
            {part.text}
          </a>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never move
          <span key={i}>{part.text}</span>
        ),
      )}
    </p>
  )
}
