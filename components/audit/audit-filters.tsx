import Link from 'next/link';
import { actionLabel, entityTypeLabel } from '@/lib/permissions/audit-diff';
import { SelectField, TextField } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';

/** A plain GET form: the filters live in the URL, so a filtered trail can be shared, reloaded and exported. */
export function AuditFilters({
  options,
  values,
}: {
  options: { entityTypes: string[]; actions: string[]; pseudonyms: boolean };
  values: Record<string, string>;
}) {
  return (
    <form
      method="get"
      action="/audit"
      role="search"
      aria-label="Filter audit events"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-6"
    >
      <TextField
        id="actor"
        name="actor"
        label="Actor"
        placeholder={options.pseudonyms ? 'Pseudonym as shown, you, or system' : 'Login name, or system'}
        defaultValue={values.actor}
        maxLength={200}
      />
      <SelectField id="entityType" name="entityType" label="Entity type" defaultValue={values.entityType}>
        <option value="">All entity types</option>
        {options.entityTypes.map((type) => (
          <option key={type} value={type}>
            {entityTypeLabel(type)}
          </option>
        ))}
      </SelectField>
      <SelectField id="action" name="action" label="Action" defaultValue={values.action}>
        <option value="">All actions</option>
        {options.actions.map((action) => (
          <option key={action} value={action}>
            {actionLabel(action)}
          </option>
        ))}
      </SelectField>
      <TextField id="from" name="from" type="date" label="From (UTC)" defaultValue={values.from} />
      <TextField id="to" name="to" type="date" label="To (UTC, inclusive)" defaultValue={values.to} />
      <TextField id="q" name="q" type="search" label="Search" placeholder="Names, reasons, permissions…" defaultValue={values.q} maxLength={200} />
      <div className="flex items-end gap-2 lg:col-span-6">
        <button type="submit" className={buttonClass('primary')}>
          Apply filters
        </button>
        <Link href="/audit" className={buttonClass('ghost')}>
          Clear filters
        </Link>
      </div>
    </form>
  );
}
