/**
 * Every error code the console answers, with its HTTP status: the one table for the API, the CSV
 * import route and the downloads (a dal code is one of these).
 */
export const ERROR_STATUS = {
  'invalid-json': 400,
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  stale: 412,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'precondition-required': 428,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]];
