// Whose email address a caller may see. The HBnB API shows every user's email to everyone
// (HBNB_PUBLIC_EMAILS, on outside production); otherwise only admins and the user themselves do.
import type { Actor } from '../../domain/actor.js'

export interface EmailPrivacy {
  /** Emails are part of every public profile (the HBnB shape). */
  publicEmails: boolean
}

/** Whether `viewer` may see the email address of the user `userId`. */
export function seesEmailOf(privacy: EmailPrivacy, viewer: Actor | null, userId: string): boolean {
  return privacy.publicEmails || viewer?.isAdmin === true || viewer?.id === userId
}
