import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi';

type Responses = Record<string, { description: string }>;

describe('the OpenAPI document', () => {
  it('documents for every change the 409 it answers when its caller lost a permission meanwhile, and not for reads or questions', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { operationId: string; responses: Responses }>> };
    const operations = Object.values(doc.paths).flatMap((item) => Object.entries(item).map(([method, op]) => ({ method, ...op })));
    const changes = operations.filter((op) => op.method !== 'get' && op.operationId !== 'authorize');
    expect(changes.length).toBeGreaterThan(10);
    for (const op of changes) expect(op.responses['409']?.description, op.operationId).toContain('`conflict`');
    expect(operations.find((op) => op.operationId === 'authorize')!.responses).not.toHaveProperty('409');
  });
});
