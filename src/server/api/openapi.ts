import { RECALL_OPENAPI_PATHS } from '../recall/openapi.js';

/** The OpenAPI 3.1 document for the JSON API, served at /api/openapi.json. */
const month = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', example: '2011-03' };
const q = (name: string, description: string, schema: object, required = false): object => ({ name, in: 'query', required, description, schema });
const errorResponse = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const ok = (description: string, schema: object): object => ({ description, content: { 'application/json': { schema } } });
const errors = { '400': errorResponse('Bad parameter (code bad_request, bad_month or month_out_of_range)'), '404': errorResponse('Unknown organisation or indicator') };
const nullableNumber = { type: ['number', 'null'] };

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'gpnet dashboard API',
    version: '1.0.0',
    description:
      'Monthly indicator results of a GP collaboration, its networks and practices. Values are in the indicator\'s units: percentages for proportions, the mean for means, counts, and rates per 1,000. Months are YYYY-MM; when omitted, the latest month with results is used. Every error is JSON {error: {code, message}}. Disclosure control: every count, and everything worked out from counts, has been through the server\'s disclosure rule (GET /api/disclosure; also in the X-Disclosure header of every API response): with suppress:LOW-HIGH (the default, suppress:1-7) a withheld row keeps its organisation, indicator and month and has `suppressed: true` with null numerator, denominator, value, CI limits, rating, funnel position and patients needed; with round:N every count is a multiple of N and values are worked out from the rounded counts; none shows the stored numbers.',
  },
  paths: {
    '/healthz': { get: { summary: 'Liveness and store check', responses: { '200': ok('The store answers', { type: 'object', properties: { status: { const: 'ok' }, store: { type: 'string' }, months: { type: 'integer' }, latest: { type: 'string' } } }) } } },
    '/api/organisations': { get: { summary: 'The organisation tree (collaboration → networks → practices) and the benchmarks', responses: { '200': ok('The tree', { type: 'object', properties: { tree: { type: 'array', items: { $ref: '#/components/schemas/OrgNode' } }, benchmarks: { type: 'array' } } }) } } },
    '/api/indicators': { get: { summary: 'The indicator catalogue: titles, plain-English definitions, targets, codelists with versions', responses: { '200': ok('The catalogue', { type: 'array', items: { $ref: '#/components/schemas/Indicator' } }) } } },
    '/api/months': { get: { summary: 'Months with results, oldest first', responses: { '200': ok('Months', { type: 'array', items: month }) } } },
    '/api/disclosure': {
      get: {
        summary: 'The disclosure-control rule applied to every count this server shows or exports',
        responses: { '200': ok('The rule', { type: 'object', required: ['rule', 'mode', 'description'], properties: { rule: { type: 'string', examples: ['suppress:1-7', 'round:5', 'none'] }, mode: { type: 'string', enum: ['suppress', 'round', 'none'] }, low: { type: 'integer' }, high: { type: 'integer' }, base: { type: 'integer' }, description: { type: 'string' } } }) },
      },
    },
    '/api/results': {
      get: {
        summary: 'Result rows, with the fields of `gpnet export results` and `suppressed`, after the disclosure rule',
        parameters: [q('indicator', 'Indicator id', { type: 'string' }), q('org', 'Organisation code (collaboration, network or practice)', { type: 'string' }), q('from', 'First month (inclusive)', month), q('to', 'Last month (inclusive)', month)],
        responses: { '200': ok('Rows ordered by indicator, month, level, code', { type: 'array', items: { $ref: '#/components/schemas/Result' } }), ...errors },
      },
    },
    '/api/series': {
      get: {
        summary: 'Monthly series of an organisation, its parents (network, collaboration) and the benchmarks (London, England)',
        parameters: [q('indicator', 'Indicator id', { type: 'string' }, true), q('org', 'Organisation code', { type: 'string' }, true), q('from', 'First month', month), q('to', 'Last month', month)],
        responses: { '200': ok('Lines', { type: 'object' }), ...errors },
      },
    },
    '/api/matrix': {
      get: {
        summary: 'RAG matrix: an organisation and its children (networks or practices) × indicators, with change since the previous month',
        parameters: [q('org', 'Collaboration or network code', { type: 'string' }, true), q('month', 'Month', month)],
        responses: { '200': ok('Matrix', { type: 'object' }), ...errors },
      },
    },
    '/api/comparison': {
      get: {
        summary: 'Practice comparison for one indicator and month: values, 95% CIs, funnel limits (95% and 99.8%) around the collaboration mean, deciles (1 = best), comparison with the collaboration, London and England (Better/Similar/Worse)',
        parameters: [q('indicator', 'Indicator id', { type: 'string' }, true), q('month', 'Month', month), q('network', 'Only the practices of this network (limits stay around the collaboration mean)', { type: 'string' })],
        responses: { '200': ok('Comparison', { type: 'object' }), ...errors },
      },
    },
    '/api/practices/{code}': {
      get: {
        summary: 'One practice: every indicator with value, CI, target, RAG, rank within its network, patients needed to reach target, 24-month trend',
        parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }, q('month', 'Month', month)],
        responses: { '200': ok('Practice summary', { type: 'object' }), ...errors },
      },
    },
    '/api/alerts': {
      get: {
        summary: 'Alerts for a network\'s practices: worst decile three months running; drifting worse or better (CUSUM on percentile rank; see docs/DASHBOARD.md)',
        parameters: [q('network', 'Network code', { type: 'string' }, true), q('month', 'Month', month)],
        responses: { '200': ok('Alerts', { type: 'object' }), ...errors },
      },
    },
    ...RECALL_OPENAPI_PATHS,
  },
  components: {
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', enum: ['bad_request', 'bad_month', 'month_out_of_range', 'unknown_organisation', 'unknown_indicator', 'not_found'] }, message: { type: 'string' } } } } },
      OrgNode: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/OrgNode' } } } },
      Indicator: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, kind: { type: 'string' }, plain: { type: 'object' }, codelists: { type: 'array', items: { type: 'object', properties: { slug: { type: 'string' }, version: { type: 'string' } } } } } },
      Result: {
        type: 'object',
        properties: {
          indicator_id: { type: 'string' },
          org_kind: { type: 'string' },
          org_code: { type: 'string' },
          period_end: { type: 'string', format: 'date' },
          numerator: nullableNumber,
          denominator: nullableNumber,
          value: nullableNumber,
          ci_low: nullableNumber,
          ci_high: nullableNumber,
          target: nullableNumber,
          rag: { type: ['string', 'null'], enum: ['green', 'amber', 'red', null] },
          suppressed: { type: 'boolean', description: 'Withheld by the disclosure rule: counts, value, CI and rating are null' },
        },
      },
    },
  },
} as const;
