/* The OpenAPI document as a page: operations by tag, their parameters, bodies and answers, and
   every schema, linked. Server-rendered from the same document /api/v1/openapi.json serves. */

type Json = Record<string, unknown>;

const METHOD_STYLE: Record<string, string> = {
  get: 'bg-sky-100 text-sky-900',
  post: 'bg-emerald-100 text-emerald-900',
  patch: 'bg-amber-100 text-amber-900',
  delete: 'bg-red-100 text-red-900',
};

const refName = (ref: unknown) => (typeof ref === 'string' ? ref.split('/').pop()! : '');
const anchor = (name: string) => `schema-${name}`;

/** A short type for a schema: `string`, `integer ≥ 1`, `User[]`, `"apply" | "new-users"`… */
function typeOf(schema: Json | undefined): React.ReactNode {
  if (!schema) return 'any';
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return <a href={`#${anchor(name)}`}>{name}</a>;
  }
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const union = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (union) return union.map((s, i) => <span key={i}>{i ? ' | ' : ''}{typeOf(s)}</span>);
  if (schema.type === 'array') return <>{typeOf(schema.items as Json)}[]</>;
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'object' && !schema.properties && schema.additionalProperties) return <>map of {typeOf(schema.additionalProperties as Json)}</>;
  const bounds = [
    schema.minimum !== undefined && schema.minimum !== -9007199254740991 ? `≥ ${String(schema.minimum)}` : null,
    schema.exclusiveMinimum !== undefined ? `> ${String(schema.exclusiveMinimum)}` : null,
    schema.maxLength !== undefined ? `≤ ${String(schema.maxLength)} chars` : null,
    schema.maxItems !== undefined ? `≤ ${String(schema.maxItems)} items` : null,
    typeof schema.format === 'string' ? schema.format : null,
  ].filter(Boolean);
  return `${String(schema.type ?? 'any')}${bounds.length ? ` (${bounds.join(', ')})` : ''}`;
}

function Properties({ schema }: { schema: Json }) {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  const names = Object.keys(properties);
  if (!names.length) return <p className="text-sm text-slate-600">{typeOf(schema)}</p>;
  return (
    <table className="w-full text-left text-sm">
      <thead>
        <tr className="text-slate-600">
          <th scope="col" className="py-1 pr-3 font-medium">
            Field
          </th>
          <th scope="col" className="py-1 pr-3 font-medium">
            Type
          </th>
          <th scope="col" className="py-1 font-medium">
            About
          </th>
        </tr>
      </thead>
      <tbody>
        {names.map((name) => (
          <tr key={name} className="border-t border-slate-100 align-top">
            <td className="py-1 pr-3 font-mono text-xs">
              {name}
              {required.has(name) ? <span className="text-red-700" aria-label="required"> *</span> : null}
            </td>
            <td className="py-1 pr-3 font-mono text-xs">{typeOf(properties[name])}</td>
            <td className="py-1 text-xs text-slate-700">{String(properties[name]!.description ?? '')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ApiReference({ doc }: { doc: Json }) {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const schemas = ((doc.components as Json).schemas ?? {}) as Record<string, Json>;
  const operations = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const tags = [...new Set(operations.map((o) => (o.op.tags as string[])[0]!))];
  const info = doc.info as Json;
  return (
    <div className="space-y-6">
      <section aria-labelledby="api-about" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="api-about" className="text-lg font-medium">
          {String(info.title)} {String(info.version)}
        </h2>
        <p className="text-sm text-slate-700">{String(info.description)}</p>
        <p className="text-sm">
          Base URL <code>/api/v1</code>. Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI {String(doc.openapi)}).
        </p>
      </section>
      {tags.map((tag) => (
        <section key={tag} aria-labelledby={`tag-${tag}`} className="space-y-3">
          <h2 id={`tag-${tag}`} className="text-lg font-medium">
            {tag}
          </h2>
          {operations
            .filter((o) => (o.op.tags as string[])[0] === tag)
            .map(({ path, method, op }) => {
              const parameters = (op.parameters ?? []) as Json[];
              const body = ((op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined;
              const responses = op.responses as Record<string, Json>;
              return (
                <article key={`${method} ${path}`} aria-labelledby={`op-${String(op.operationId)}`} className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
                  <h3 id={`op-${String(op.operationId)}`} className="flex flex-wrap items-center gap-2 font-mono text-sm">
                    <span className={`rounded px-2 py-0.5 text-xs font-bold uppercase ${METHOD_STYLE[method] ?? ''}`}>{method}</span>
                    <span>{path}</span>
                    <span className="font-sans font-normal text-slate-700">{String(op.summary)}</span>
                  </h3>
                  {op.description ? <p className="text-sm text-slate-700">{String(op.description)}</p> : null}
                  {parameters.length ? (
                    <div>
                      <h4 className="text-sm font-medium">Parameters</h4>
                      <ul className="text-sm">
                        {parameters.map((p) => (
                          <li key={`${String(p.in)}-${String(p.name)}`}>
                            <code>{String(p.name)}</code> ({String(p.in)}
                            {p.required ? ', required' : ''}): <span className="font-mono text-xs">{typeOf(p.schema as Json)}</span>
                            {p.description ? ` — ${String(p.description)}` : ''}
                          </li>
                        ))}
                      </ul>
                    </div>
                  ) : null}
                  {body ? (
                    <div>
                      <h4 className="text-sm font-medium">Body</h4>
                      <p className="font-mono text-xs">{typeOf(body.schema as Json)}</p>
                    </div>
                  ) : null}
                  <div>
                    <h4 className="text-sm font-medium">Responses</h4>
                    <ul className="text-sm">
                      {Object.entries(responses).map(([status, r]) => {
                        const schema = ((r.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
                        return (
                          <li key={status}>
                            <code>{status}</code> {String(r.description)}
                            {schema ? <span className="font-mono text-xs"> → {typeOf(schema)}</span> : null}
                          </li>
                        );
                      })}
                    </ul>
                  </div>
                </article>
              );
            })}
        </section>
      ))}
      <section aria-labelledby="api-schemas" className="space-y-3">
        <h2 id="api-schemas" className="text-lg font-medium">
          Schemas
        </h2>
        {Object.entries(schemas).map(([name, schema]) => (
          <article key={name} id={anchor(name)} aria-labelledby={`${anchor(name)}-title`} className="space-y-1 rounded-lg border border-slate-200 bg-white p-4">
            <h3 id={`${anchor(name)}-title`} className="font-mono text-sm font-semibold">
              {name}
            </h3>
            {schema.description ? <p className="text-sm text-slate-700">{String(schema.description)}</p> : null}
            <Properties schema={schema} />
          </article>
        ))}
      </section>
    </div>
  );
}
