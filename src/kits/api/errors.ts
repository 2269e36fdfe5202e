/**
 * An error an API client caused. The app's error handler sends it as Action Network does:
 * `{ "error": message }` with this status.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, message);

export const notFound = (what: string, id: string) => new ApiError(404, `No ${what} with identifier "${id}"`);
