// The pieces the account pages share (log in, sign up, forgot and reset password, verify email):
// the narrow page, its labelled inputs and its submit button.
import type { InputHTMLAttributes, ReactNode } from 'react'
import { Field, PageHeading } from './ui'

/** The server's password rules (POST /auth/register, POST /auth/password/reset): 8 to 256 characters. */
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256

export const looksLikeEmail = (value: string) => /^\S+@\S+\.\S+$/.test(value)

/** A narrow page with its heading: the frame of every account page. */
export function AuthPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="container narrow section">
      <PageHeading>{title}</PageHeading>
      {children}
    </div>
  )
}

type InputFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'> & {
  label: string
  error?: string | undefined
  hint?: string | undefined
  className?: string
}

/** An `<input>` in a labelled Field (`className` goes to the Field). */
export function InputField({ label, error, hint, className, ...input }: InputFieldProps) {
  return (
    <Field label={label} error={error} hint={hint} {...(className ? { className } : {})}>
      {(props) => <input {...props} {...input} />}
    </Field>
  )
}

/** The email address input of an account form. */
export function EmailField(props: InputFieldProps) {
  return <InputField type="email" name="email" autoComplete="email" {...props} />
}

/** A password input (`name` "password" unless given). */
export function PasswordField(props: InputFieldProps) {
  return <InputField type="password" name="password" {...props} />
}

/** The form's full-width submit button, disabled while the request is on its way. */
export function SubmitButton({
  pending,
  label,
  pendingLabel,
}: {
  pending: boolean
  label: string
  pendingLabel: string
}) {
  return (
    <button type="submit" className="btn btn-primary btn-block" disabled={pending}>
      {pending ? pendingLabel : label}
    </button>
  )
}
