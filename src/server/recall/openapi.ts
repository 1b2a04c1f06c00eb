/** The recall routes in the OpenAPI document (merged into src/server/api/openapi.ts). */
const month = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', example: '2013-12' };
const q = (name: string, description: string, schema: object, required = false): object => ({ name, in: 'query', required, description, schema });
const path = (name: string, description: string): object => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const code = path('code', 'The practice (the signed-in practice user\'s own)');
const id = path('id', 'Batch id');
const err = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const ok = (description: string, type = 'application/json'): object => ({ description, content: { [type]: { schema: { type: type === 'application/json' ? 'object' : 'string' } } } });
const body = (properties: Record<string, object>, required: string[]): object => ({ required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required, properties } } } });
const ids = { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 1000 };
const date = { type: 'string', format: 'date' };
const patientLevel = 'Practice role, own practice only; identifiable; audited with the patient count. ';
const refusals = { '400': err('Bad parameter or body (names the field)'), '403': err('Not this user\'s practice, or no CSRF token on a change'), '404': err('Unknown programme, month or batch') };
const filters = [
  q('programme', 'Recall programme id (GET /api/recall/programmes)', { type: 'string' }, true),
  q('month', 'Month (default: the latest)', month),
  q('status', 'all (default), overdue or due_soon', { enum: ['all', 'overdue', 'due_soon'] }),
  q('defaulters', '1: defaulters only (3 unanswered invitations)', { enum: ['1'] }),
  q('risk', '1: patients with a clinical-risk flag only', { enum: ['1'] }),
  q('q', 'Text search: name, NHS number, patient id, reason, risk, next action', { type: 'string', maxLength: 100 }),
  q('sort', 'priority (default), due_by, name, age, status, invitations, reason', { enum: ['priority', 'due_by', 'name', 'age', 'status', 'invitations', 'reason'] }),
  q('dir', 'asc (default) or desc', { enum: ['asc', 'desc'] }),
];

export const RECALL_OPENAPI_PATHS = {
  '/api/recall/programmes': { get: { summary: 'Recall programmes and the indicator each derives from', responses: { '200': ok('Programmes') } } },
  '/api/recall/counts': {
    get: {
      summary: 'Recall list sizes per practice × programme of one network: overdue, due soon, defaulters (counts only). Network users: own network; commissioner, evaluator, admin: any.',
      parameters: [q('network', 'Network code', { type: 'string' }, true), q('month', 'Month', month)],
      responses: { '200': ok('Counts'), ...refusals },
    },
  },
  '/api/recall/practices/{code}/worklist': { get: { summary: `${patientLevel}A worklist, filtered and sorted (format=csv for CSV)`, parameters: [code, ...filters, q('format', 'json (default) or csv', { enum: ['json', 'csv'] })], responses: { '200': ok('Worklist'), ...refusals } } },
  '/api/recall/practices/{code}/worklist.csv': { get: { summary: `${patientLevel}A worklist as CSV`, parameters: [code, ...filters], responses: { '200': ok('CSV', 'text/csv'), ...refusals } } },
  '/api/recall/practices/{code}/log': {
    post: {
      summary: 'Log an invitation, outcome or personalised care adjustment for one or many patients (CSRF token in X-CSRF-Token)',
      parameters: [code],
      requestBody: body({ programme: { type: 'string' }, patient_ids: ids, date, method: { enum: ['letter', 'sms', 'phone', 'opportunistic'] }, outcome: { enum: ['booked', 'attended', 'declined', 'no_answer', 'wrong_number'] }, adjustment: { enum: ['informed_dissent', 'unsuitable'] }, note: { type: 'string', maxLength: 500 } }, ['programme', 'patient_ids']),
      responses: { '201': ok('{logged: n}'), ...refusals },
    },
  },
  '/api/recall/practices/{code}/batches': {
    get: { summary: 'The practice\'s batches (no patient rows)', parameters: [code], responses: { '200': ok('Batches'), ...refusals } },
    post: { summary: 'Create a batch from worklist rows (CSRF token)', parameters: [code], requestBody: body({ programme: { type: 'string' }, month, method: { enum: ['letter', 'sms', 'phone'] }, patient_ids: ids }, ['programme', 'method', 'patient_ids']), responses: { '201': ok('{id, patients}'), ...refusals } },
  },
  '/api/recall/practices/{code}/batches/{id}': { get: { summary: `${patientLevel}A batch with its members`, parameters: [code, id], responses: { '200': ok('Batch'), ...refusals } } },
  '/api/recall/practices/{code}/batches/{id}/batch.csv': { get: { summary: `${patientLevel}A batch as CSV`, parameters: [code, id], responses: { '200': ok('CSV', 'text/csv'), ...refusals } } },
  '/api/recall/practices/{code}/batches/{id}/sms.csv': { get: { summary: `${patientLevel}A batch's SMS outbox`, parameters: [code, id], responses: { '200': ok('CSV', 'text/csv'), ...refusals } } },
  '/api/recall/practices/{code}/batches/{id}/letters.pdf': { get: { summary: `${patientLevel}A batch's invitation letters`, parameters: [code, id], responses: { '200': ok('PDF', 'application/pdf'), ...refusals } } },
  '/api/recall/practices/{code}/batches/{id}/sent': { post: { summary: 'Mark a batch as sent, logging one invitation per member (CSRF token; 409 if already sent)', parameters: [code, id], requestBody: body({ date }, []), responses: { '200': ok('{batch, invitations_logged}'), '409': err('Already sent'), ...refusals } } },
} as const;
