import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect, type APIRequestContext } from '@playwright/test';
import { apiKeysFile, type ApiKeys } from './fixtures';

export const readApiKeys = (): ApiKeys => JSON.parse(fs.readFileSync(apiKeysFile, 'utf8')) as ApiKeys;

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type Body = Record<string, unknown> | unknown[];

/** Calls /api/v1 with one key (or none), as another program would. */
export class Api {
  constructor(
    private readonly request: APIRequestContext,
    private readonly token: string | null,
  ) {}

  async call(method: string, path: string, options: { body?: Body | string; ifMatch?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...options.headers };
    if (options.ifMatch) headers['if-match'] = options.ifMatch;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await this.request.fetch(`/api/v1${path}`, {
      method,
      headers,
      data: typeof options.body === 'string' ? options.body : options.body === undefined ? undefined : JSON.stringify(options.body),
      failOnStatusCode: false,
      maxRedirects: 0,
    });
    const text = await response.text();
    let body: unknown = null;
    if (text) {
      expect(response.headers()['content-type'], `${method} ${path} answered ${text.slice(0, 200)}`).toMatch(/^application\/json/);
      body = JSON.parse(text);
    }
    return { status: response.status(), headers: response.headers(), body };
  }

  /** The resource and its ETag, for a change that must send If-Match. */
  async read(path: string): Promise<{ body: Record<string, unknown>; etag: string }> {
    const r = await this.call('GET', path);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return { body: r.body as Record<string, unknown>, etag: r.headers.etag! };
  }

  /** A call that must succeed (test setup), returning its body. */
  async ok(method: string, path: string, body?: Body, ifMatch?: string): Promise<Record<string, unknown>> {
    const r = await this.call(method, path, { body, ifMatch });
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r.body as Record<string, unknown>;
  }
}

type Json = Record<string, unknown>;

/** Every response checked against /api/v1/openapi.json: a documented status, a body of its schema, its documented headers. */
export class OpenApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ReturnType<Ajv2020['compile']>>();

  constructor(readonly doc: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'https://switchboard.invalid/openapi', components: doc.components }, 'openapi');
  }

  static async load(request: APIRequestContext): Promise<OpenApiContract> {
    const response = await request.get('/api/v1/openapi.json');
    expect(response.status()).toBe(200);
    return new OpenApiContract((await response.json()) as Json);
  }

  /** Every operation the document describes, as "METHOD /path". */
  operations(): string[] {
    const paths = this.doc.paths as Record<string, Record<string, unknown>>;
    return Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
  }

  check(operation: string, response: ApiResponse): void {
    const [method, path] = operation.split(' ') as [string, string];
    const op = (this.doc.paths as Record<string, Record<string, Json>>)[path]?.[method.toLowerCase()];
    expect(op, `${operation} is in the OpenAPI document`).toBeDefined();
    const documented = (op!.responses as Record<string, Json>)[String(response.status)];
    expect(documented, `${operation} documents status ${response.status} (${JSON.stringify(response.body)})`).toBeDefined();
    const schema = ((documented!.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
    if (!schema) {
      expect(response.body, `${operation} ${response.status} has no body`).toBeNull();
    } else {
      const ref = String(schema.$ref).replace('#/', 'https://switchboard.invalid/openapi#/');
      let validate = this.compiled.get(ref);
      if (!validate) {
        validate = this.ajv.compile({ $ref: ref });
        this.compiled.set(ref, validate);
      }
      const valid = validate(response.body);
      expect(valid, `${operation} ${response.status}: ${this.ajv.errorsText(validate.errors)} in ${JSON.stringify(response.body).slice(0, 500)}`).toBe(true);
    }
    for (const name of Object.keys((documented!.headers ?? {}) as Json)) {
      if (['ETag', 'Location', 'Retry-After'].includes(name)) expect(response.headers[name.toLowerCase()], `${operation} ${response.status} sends ${name}`).toBeTruthy();
    }
  }
}
