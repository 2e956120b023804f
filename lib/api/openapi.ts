import 'server-only';
import { z } from 'zod';
import { changesSomething, COMMON_ERRORS, WRITE_ERRORS, type Operation } from './operation';
import { ERROR_STATUS, type ApiErrorCode } from './error-codes';
import { OPERATIONS } from './registry';
import { Group, Profile, requestSchemas, responseSchemas, Role, Skill, User } from './schemas';

type JsonSchema = Record<string, unknown>;
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** Registered schemas become components; a nested registered schema becomes a $ref. */
function components(registry: typeof requestSchemas, io: 'input' | 'output'): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _s, $id: _i, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

function inline(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function idOf(schema: z.ZodType | undefined, registry: typeof requestSchemas): string {
  const id = schema ? registry.get(schema)?.id : undefined;
  if (!id) throw new Error('Every API body must be a registered schema (see lib/api/schemas.ts)');
  return id;
}

/** Resources with a row version answer with an ETag, to send back as If-Match. */
const VERSIONED = new Set<z.ZodType>([User, Profile, Role, Group, Skill]);

function parameters(op: Operation) {
  const out: Record<string, unknown>[] = [];
  for (const [name, schema] of Object.entries(op.params?.shape ?? {})) out.push({ name, in: 'path', required: true, schema: inline(schema as z.ZodType) });
  for (const [name, schema] of Object.entries(op.query?.shape ?? {})) {
    const s = schema as z.ZodType;
    out.push({ name, in: 'query', required: !s.safeParse(undefined).success, ...(s.description ? { description: s.description } : {}), schema: inline(s) });
  }
  if (op.ifMatch) {
    out.push({
      name: 'If-Match',
      in: 'header',
      required: true,
      description: 'The ETag from reading the resource; `*` for whatever it is now.',
      schema: { type: 'string' },
    });
  }
  return out;
}

function responses(op: Operation) {
  const success: Record<string, unknown> = { description: op.status === 201 ? 'Created' : op.status === 204 ? 'Done; no content' : 'OK' };
  const headers: Record<string, unknown> = { 'RateLimit-Remaining': { $ref: '#/components/headers/RateLimitRemaining' } };
  if (op.response && VERSIONED.has(op.response)) headers.ETag = { $ref: '#/components/headers/ETag' };
  if (op.status === 201) headers.Location = { description: 'Where the new resource is', schema: { type: 'string' } };
  success.headers = headers;
  if (op.response) success.content = { 'application/json': { schema: ref(idOf(op.response, responseSchemas)) } };
  const out: Record<string, unknown> = { [op.status]: success };
  const byStatus = new Map<number, ApiErrorCode[]>();
  const codes = new Set<ApiErrorCode>([...COMMON_ERRORS, ...(changesSomething(op) ? WRITE_ERRORS : []), ...op.errors]);
  if (op.params || op.query) codes.add('invalid');
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[status] = {
      description: `Error: ${list.map((c) => `\`${c}\``).join(', ')}`,
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } } : {}),
      content: { 'application/json': { schema: ref('Error') } },
    };
  }
  return out;
}

let memo: JsonSchema | undefined;

/** The OpenAPI 3.1 document of /api/v1, generated from the operations and their zod schemas. */
export function openApiDocument(): JsonSchema {
  if (memo) return memo;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] ??= {};
    paths[op.path]![op.method.toLowerCase()] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      ...(parameters(op).length ? { parameters: parameters(op) } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(idOf(op.body, requestSchemas)) } } } } : {}),
      responses: responses(op),
    };
  }
  memo = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Switchboard API',
      version: '1.0.0',
      description:
        'Users, profiles, roles, groups and skills through the same rules as the console, and the decision endpoint: may this user do this, in this channel? Every call sends `Authorization: Bearer <API key>`; a key acts for one user with a subset of his permissions, never more than he holds at the moment of the call. Errors are `{ "error": { "code", "message", "fields"? } }`. Changes to an existing resource need `If-Match` with its ETag.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ apiKey: [] }],
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from Settings → API keys.' } },
      headers: {
        ETag: { description: 'The resource version; send it back as If-Match to change it.', schema: { type: 'string' } },
        RateLimitRemaining: { description: 'Calls left this minute for this key.', schema: { type: 'string' } },
        RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'string' } },
      },
      schemas: { ...components(requestSchemas, 'input'), ...components(responseSchemas, 'output') },
    },
  };
  return memo;
}
