/**
 * A problem with what the user asked the evaluation to do: a bad series file (named with its line
 * and field), an unknown indicator or organisation, an intervention outside the data, too few
 * points on a side. The CLI prints it as a UserError, without a stack trace.
 */
export class EvaluationInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationInputError';
  }
}

/** "FILE line N, field F: message" (field omitted when the whole line is at fault). */
export function csvProblem(file: string, line: number, field: string | null, message: string): EvaluationInputError {
  return new EvaluationInputError(`${file} line ${line}${field ? `, field ${field}` : ''}: ${message}`);
}
