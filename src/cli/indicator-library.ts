import { CodelistError, loadCodelists, type Codelist } from '../codelists/load.js';
import { DefinitionError, loadIndicators, type LoadedIndicator } from '../indicators/load.js';
import { UserError } from './errors.js';

/** The project's codelists and indicator definitions, with their errors shown to the user as such. */
export function loadIndicatorLibrary(): { codelists: Map<string, Codelist>; indicators: LoadedIndicator[] } {
  try {
    const codelists = loadCodelists();
    return { codelists, indicators: loadIndicators(codelists) };
  } catch (err) {
    if (err instanceof CodelistError || err instanceof DefinitionError) throw new UserError(err.message);
    throw err;
  }
}
