// API errors: an HTTP status, a stable camelCase code clients can branch on, and a message.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems?: string[],
  ) {
    super(message);
  }
}
