import type { UserAccess } from '@/lib/dal';
import type { ChannelSource, MissingReason, PermissionSource } from '@/lib/permissions/effective';
import { LEVEL_NAMES } from '@/lib/permissions/channels';
import { DataTable } from '@/components/ui/table';

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

function source(s: PermissionSource): string {
  switch (s.kind) {
    case 'core':
      return `core permission of the ${s.roleName} role`;
    case 'profile':
      return `profile ${s.profileName}, version ${s.version}`;
    case 'grant':
      return `granted by ${s.by}${s.expiresAt ? ` until ${when(s.expiresAt)}` : ''}: ${s.reason}`;
  }
}

function missing(m: MissingReason): string {
  switch (m.kind) {
    case 'not-in-profiles':
      return 'not in his profiles';
    case 'revoked':
      return `revoked by ${m.by}${m.expiresAt ? ` until ${when(m.expiresAt)}` : ''}: ${m.reason}`;
    case 'feature-off':
      return `the account feature "${m.featureName}" is off`;
    case 'grant-expired':
      return `a grant by ${m.by} expired ${when(m.expiredAt)}`;
    case 'not-in-api-key':
      return 'not among the permissions of the API key asking';
    case 'missing-prerequisite':
      return `it needs "${m.requiresName}", which he lacks`;
  }
}

/** Every permission he has with its sources, and for those he lacks, why. */
function channelSource(s: ChannelSource): string {
  const via = s.inheritedFrom ? ' (from its main channel)' : '';
  return s.kind === 'profile'
    ? `profile ${s.profileName}, version ${s.version}: ${LEVEL_NAMES[s.level]}${via}`
    : `override by ${s.by}${s.expiresAt ? ` until ${when(s.expiresAt)}` : ''}: ${LEVEL_NAMES[s.level]}${via} (${s.reason})`;
}

export function EffectivePermissions({ permissions, channels }: { permissions: UserAccess['permissions']; channels: UserAccess['channels'] }) {
  const granted = permissions.filter((p) => p.allowed);
  const lacking = permissions.filter((p) => !p.allowed);
  return (
    <section aria-labelledby="effective-title" className="space-y-3">
      <h2 id="effective-title" className="text-lg font-medium">
        Effective permissions
      </h2>
      <DataTable caption="Permissions he has" columns={[`Permission (${granted.length})`, 'Category', 'From']}>
        {granted.map((p) => (
          <tr key={p.key}>
            <td className="px-3 py-2">{p.name}</td>
            <td className="px-3 py-2 text-slate-600">{p.category}</td>
            <td className="px-3 py-2">{p.sources.map(source).join('; ')}</td>
          </tr>
        ))}
      </DataTable>
      {channels.length ? (
        <DataTable caption="Channel access" columns={['Channel', 'Level', 'From']}>
          {channels.map((c) => (
            <tr key={c.key}>
              <td className="px-3 py-2">{c.parent ? <span className="pl-4">{c.name}</span> : <strong>{c.name}</strong>}</td>
              <td className="px-3 py-2">{LEVEL_NAMES[c.level]}</td>
              <td className="px-3 py-2 text-slate-600">{c.sources.length ? c.sources.map(channelSource).join('; ') : 'no profile gives access'}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      <details className="rounded-lg border border-slate-200 bg-white p-3">
        <summary className="cursor-pointer font-medium">Permissions he lacks, and why ({lacking.length})</summary>
        <table className="mt-2 min-w-full text-sm">
          <caption className="sr-only">Permissions he lacks</caption>
          <thead className="text-left">
            <tr>
              <th scope="col" className="px-3 py-1">
                Permission
              </th>
              <th scope="col" className="px-3 py-1">
                Why not
              </th>
            </tr>
          </thead>
          <tbody>
            {lacking.map((p) => (
              <tr key={p.key}>
                <td className="px-3 py-1">{p.name}</td>
                <td className="px-3 py-1 text-slate-600">{p.missing.map(missing).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
