'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import type { ActionResult, ImportReport } from '@/lib/dal';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import { cell, DataTable } from '@/components/ui/table';

type Step = { kind: 'choose' } | { kind: 'previewed'; file: File; report: ImportReport } | { kind: 'imported'; report: ImportReport };

/** The file goes to a route, not a server action: a large import is over the actions' size cap. */
async function send(file: File, mode: 'preview' | 'apply'): Promise<ActionResult<ImportReport>> {
  try {
    const response = await fetch(`/users/import/csv?mode=${mode}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file });
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('application/json'))
      return { ok: false, code: 'internal', error: 'The server did not answer as expected; nothing was imported. Try again.' };
    return (await response.json()) as ActionResult<ImportReport>;
  } catch {
    return { ok: false, code: 'unavailable', error: 'The server could not be reached; nothing was imported. Try again.' };
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

function Problems({ report }: { report: ImportReport }) {
  return (
    <div className="space-y-2">
      <Alert>
        Nothing can be imported: {plural(report.problemCount, 'problem')} in {plural(report.rows, 'row')}. Fix the file and choose it again.
        {report.problemCount > report.problems.length ? ` The first ${report.problems.length} are listed.` : ''}
      </Alert>
      <DataTable caption="Problems in the file, by row" columns={['Row', 'Column', 'Login name', 'Problem']}>
        {report.problems.map((p, i) => (
          <tr key={i}>
            <td className={cell}>{p.row}</td>
            <td className={cell}>{p.column ?? '—'}</td>
            <td className={`${cell} break-all`}>{p.loginName || '—'}</td>
            <td className={cell}>{p.message}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

export function ImportUsers() {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'preview' | 'apply' | null>(null);

  const preview = async (file: File | undefined) => {
    setError(null);
    setStep({ kind: 'choose' });
    if (!file) return;
    setBusy('preview');
    const result = await send(file, 'preview');
    setBusy(null);
    if (!result.ok) return setError(result.error);
    setStep({ kind: 'previewed', file, report: result.data });
  };

  const apply = async (file: File) => {
    setError(null);
    setBusy('apply');
    const result = await send(file, 'apply');
    setBusy(null);
    if (!result.ok) return setError(result.error);
    if (!result.data.applied) return setStep({ kind: 'previewed', file, report: result.data });
    setStep({ kind: 'imported', report: result.data });
    if (input.current) input.current.value = '';
    router.refresh();
  };

  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <label htmlFor="import-file" className="block text-sm font-medium text-slate-700">
          CSV file
        </label>
        <input
          ref={input}
          id="import-file"
          type="file"
          accept=".csv,text/csv"
          className={inputClass}
          disabled={busy !== null}
          aria-describedby="import-file-hint"
          onChange={(e) => void preview(e.target.files?.[0])}
        />
        <p id="import-file-hint" className="text-sm text-slate-600">
          Choosing a file shows what would happen; nothing is imported until you confirm.
        </p>
      </div>
      {busy ? (
        <p role="status" className="text-sm text-slate-700">
          {busy === 'preview' ? 'Checking the file…' : 'Importing…'}
        </p>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {step.kind === 'previewed' && step.report.problemCount > 0 ? <Problems report={step.report} /> : null}
      {step.kind === 'previewed' && step.report.problemCount === 0 ? (
        <section aria-labelledby="preview-title" className="space-y-3 rounded-lg border border-brand-100 bg-brand-50 p-4">
          <h2 id="preview-title" className="text-base font-medium">
            Preview of {step.file.name}
          </h2>
          <p className="text-sm" role="status">
            {plural(step.report.valid, 'user')} will be created.
            {step.report.withoutPassword
              ? ` ${plural(step.report.withoutPassword, 'of them has', 'of them have')} no password and cannot sign in until someone sets one.`
              : ''}
            {step.report.ignoredColumns.length ? ` The ${step.report.ignoredColumns.join(' and ')} columns are ignored.` : ''}
          </p>
          <div className="flex gap-2">
            <Button onClick={() => void apply(step.file)} disabled={busy !== null}>
              Import {plural(step.report.valid, 'user')}
            </Button>
            <Button variant="secondary" onClick={() => (setStep({ kind: 'choose' }), input.current && (input.current.value = ''))} disabled={busy !== null}>
              Cancel
            </Button>
          </div>
        </section>
      ) : null}
      {step.kind === 'imported' ? (
        <Alert tone="success">
          Imported {plural(step.report.created, 'user')}.{' '}
          <Link href="/users" className="underline">
            Back to the users list
          </Link>
        </Alert>
      ) : null}
    </div>
  );
}
