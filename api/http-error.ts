// Errors the API answers with: `{"error":{"code","message"}}`. Throw an ApiError anywhere below a
// route; the error handler in app.ts turns it into the response. A failed zod check becomes a 400
// whose message names each parameter (describeIssues).
import type { ApiErrorBody } from '../contract/types.ts';

export type ErrorStatus = 400 | 401 | 403 | 404 | 413 | 429 | 500 | 503 | 504;

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'bad_request') => new ApiError(400, code, message);

export function errorBody(code: string, message: string): ApiErrorBody {
  return { error: { code, message } };
}

/** A zod failure as one sentence naming each parameter. */
export function describeIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
