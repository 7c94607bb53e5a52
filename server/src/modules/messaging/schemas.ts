import * as Type from '../../json-schema.js'
import { MULTILINE } from '../validation.js'

const PLAIN_TEXT =
  'Plain text as the sender typed it (trimmed). It is never HTML: clients must escape it when they display it (links may be detected and shown, never rendered as HTML).'

export const Message = Type.Object({
  id: Type.String(),
  conversation_id: Type.String(),
  sender_id: Type.String(),
  text: Type.String({ description: PLAIN_TEXT }),
  created_at: Type.String({ format: 'date-time' }),
})

const Party = Type.Object({ id: Type.String(), first_name: Type.String() })

export const Conversation = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('enquiry'), Type.Literal('booking')], {
    description: 'enquiry: a guest asking about a place; booking: about one booking',
  }),
  place: Type.Object({ id: Type.String(), title: Type.String(), city: Type.String() }),
  booking_id: Type.Union([Type.String(), Type.Null()]),
  enquiry_id: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description:
        'A booking conversation, read alone (not in lists): the enquiry its guest opened about the same place before, if it has messages',
    }),
  ),
  guest: Party,
  host: Party,
  role: Type.Union([Type.Literal('guest'), Type.Literal('host'), Type.Literal('moderator')], {
    description: "The caller's side (moderator: an administrator reading it)",
  }),
  last_message: Type.Union([Message, Type.Null()]),
  unread_count: Type.Integer({ description: 'Messages of the other side the caller has not read' }),
  last_read_message_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time', description: 'Time of the last message' }),
})

const MessageText = Type.String({
  maxLength: 8000,
  format: MULTILINE,
  description: `1 to 4,000 characters once trimmed. ${PLAIN_TEXT}`,
})

export const StartConversationBody = Type.Object({
  place_id: Type.Optional(
    Type.String({ maxLength: 64, description: 'Ask the host of this place (an enquiry)' }),
  ),
  booking_id: Type.Optional(
    Type.String({ maxLength: 64, description: 'The conversation of this booking (its guest or host)' }),
  ),
  text: Type.Optional(MessageText),
})

export const StartConversationResponse = Type.Object({
  ...Conversation.properties,
  message: Type.Optional(Message),
})

export const SendMessageBody = Type.Object({ text: MessageText })

export const MarkReadBody = Type.Object({
  message_id: Type.Optional(
    Type.String({ maxLength: 64, description: 'Read up to this message (default: the last one)' }),
  ),
})

export const ReadState = Type.Object({
  conversation_id: Type.String(),
  last_read_message_id: Type.Union([Type.String(), Type.Null()]),
  unread_count: Type.Integer(),
})

export const UnreadTotals = Type.Object({
  conversations: Type.Integer({ description: 'Conversations with unread messages' }),
  messages: Type.Integer({ description: 'Unread messages in all' }),
})

export const ConversationAccess = Type.Object({
  admin_id: Type.String(),
  action: Type.String({ description: 'open (the conversation) or messages (its messages)' }),
  accessed_at: Type.String({ format: 'date-time' }),
})

export type MessageView = Type.Static<typeof Message>
export type ConversationView = Type.Static<typeof Conversation>
