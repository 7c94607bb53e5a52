// Errors that services raise on purpose. Each has an HTTP status, a stable code for clients,
// and a message meant for the person reading it.

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

export const badRequest = (message: string, code = 'bad_request', details?: unknown) =>
  new AppError(400, code, message, details)
export const unauthorized = (message: string, code = 'unauthorized') => new AppError(401, code, message)
export const forbidden = (message: string, code = 'forbidden') => new AppError(403, code, message)
export const notFound = (message: string, code = 'not_found') => new AppError(404, code, message)
export const conflict = (message: string, code = 'conflict') => new AppError(409, code, message)

/** The exact strings of the HBnB contract that existing clients compare against. */
export const Messages = {
  adminRequired: 'Admin privileges required',
  unauthorizedAction: 'Unauthorized action',
  userNotFound: 'User not found',
  amenityNotFound: 'Amenity not found',
  placeNotFound: 'Place not found',
  reviewNotFound: 'Review not found',
  emailRegistered: 'Email already registered',
  emailInUse: 'Email already in use',
  cannotModifyEmailOrPassword: 'You cannot modify email or password',
  invalidCredentials: 'Invalid credentials',
  ownPlaceReview: 'You cannot review your own place',
  alreadyReviewed: 'You have already reviewed this place',
} as const
