'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { AccountFeatureRow } from '@/lib/dal';
import { setAccountFeatureAction } from '@/app/(console)/settings/actions';
import { Alert } from '@/components/ui/alert';

export function AccountFeatureList({ initial }: { initial: AccountFeatureRow[] }) {
  const [features, setFeatures] = useState(initial);
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const mutation = useMutation({
    mutationFn: async (f: AccountFeatureRow) => {
      const result = await setAccountFeatureAction({ key: f.key, enabled: !f.enabled, rowVersion: f.rowVersion });
      if (!result.ok) throw new Error(result.error);
      return result.data;
    },
    onSuccess: (row) => {
      setFeatures((list) => list.map((f) => (f.key === row.key ? row : f)));
      setMessage({ tone: 'success', text: `${row.name} is now ${row.enabled ? 'on' : 'off'}.` });
    },
    onError: (error) => setMessage({ tone: 'error', text: error.message }),
  });

  return (
    <section aria-labelledby="features-title" className="space-y-3">
      <h2 id="features-title" className="text-lg font-medium">
        Account features
      </h2>
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {features.map((f) => (
          <li key={f.key} className="flex items-start justify-between gap-4 p-4">
            <div>
              <p className="font-medium" id={`feature-${f.key}`}>
                {f.name}
              </p>
              <p className="text-sm text-slate-600">{f.description}</p>
              {f.dependents.length ? <p className="mt-1 text-xs text-slate-500">Needed by: {f.dependents.join(', ')}</p> : null}
              {f.decides.length ? <p className="mt-1 text-xs text-slate-500">Decides the default of: {f.decides.join(', ')}</p> : null}
            </div>
            <button
              type="button"
              role="switch"
              aria-checked={f.enabled}
              aria-labelledby={`feature-${f.key}`}
              disabled={mutation.isPending}
              onClick={() => mutation.mutate(f)}
              className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors disabled:opacity-60 ${f.enabled ? 'bg-brand-600' : 'bg-slate-300'}`}
            >
              <span className={`inline-block h-5 w-5 rounded-full bg-white shadow transition-transform ${f.enabled ? 'translate-x-5' : 'translate-x-0.5'}`} />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
