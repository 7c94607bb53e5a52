/** Who is acting: the caller of a request (from its access token). Services authorize against it. */
export interface Actor {
  id: string
  isAdmin: boolean
}
