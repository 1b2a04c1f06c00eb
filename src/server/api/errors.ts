/** An API error with a stable JSON shape: {error: {code, message}}. */
export type ApiErrorCode = 'bad_request' | 'bad_month' | 'month_out_of_range' | 'unknown_organisation' | 'unknown_indicator' | 'not_found';

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 404,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }

  toJSON(): { error: { code: ApiErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
