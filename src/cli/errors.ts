/** An error caused by what the user asked for (bad option, bad file): printed without a stack trace. */
export class UserError extends Error {
  /** The process exit code (docs: README "Exit codes"). */
  readonly exitCode: number = 2;
}

/**
 * A PDF was asked for but this machine cannot print one (no Chromium): the command wrote the
 * HTML version instead, which the message names. Exit code 3.
 */
export class PdfFallbackWritten extends UserError {
  override readonly exitCode: number = 3;
}
