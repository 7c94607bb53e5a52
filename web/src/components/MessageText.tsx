// A message as its sender typed it: plain text (React escapes it), line breaks kept, and web
// addresses shown as links. The text is never rendered as HTML.
import { linkParts } from '../lib/links'

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
