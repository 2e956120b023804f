import type { Change } from '@/lib/permissions/audit-diff';

/** An audit event's before and after as a person reads them: field, old → new; lists as added and removed items. */
export function ChangeList({ changes }: { changes: Change[] }) {
  if (changes.length === 0) return <span className="text-slate-500">—</span>;
  return (
    <ul className="space-y-0.5">
      {changes.map((c, i) => (
        <li key={i}>
          <span className="font-medium">{c.field}</span>:{' '}
          {c.added || c.removed ? (
            <>
              {c.added?.length ? <span className="text-green-800">added {c.added.join(', ')}</span> : null}
              {c.added?.length && c.removed?.length ? '; ' : null}
              {c.removed?.length ? <span className="text-red-800">removed {c.removed.join(', ')}</span> : null}
            </>
          ) : c.from !== undefined && c.to !== undefined ? (
            <>
              <span className="text-red-800">{c.from}</span> → <span className="text-green-800">{c.to}</span>
            </>
          ) : c.to !== undefined ? (
            <span>{c.to}</span>
          ) : (
            <span>was {c.from}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
