/** An error caused by what the user asked for (bad option, bad file): printed without a stack trace. */
export class UserError extends Error {}
