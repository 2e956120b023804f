import Link from 'next/link';
import type { UserFilterOptions } from '@/lib/dal';
import { SelectField, TextField } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';

/** A plain GET form: filters live in the URL, so a filtered list can be shared and reloaded. */
export function UserFilters({ options, values }: { options: UserFilterOptions; values: Record<string, string> }) {
  return (
    <form
      method="get"
      action="/users"
      role="search"
      aria-label="Filter users"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-6"
    >
      <div className="lg:col-span-2">
        <TextField
          id="q"
          name="q"
          type="search"
          label="Search users"
          placeholder="Name, login name or email"
          defaultValue={values.q}
          maxLength={200}
          aria-describedby="q-hint"
        />
        <p id="q-hint" className="mt-1 text-xs text-slate-600">
          Three characters or more are found anywhere in them; one or two at their start.
        </p>
      </div>
      <SelectField id="role" name="role" label="Role" defaultValue={values.role}>
        <option value="">All roles</option>
        {options.roles.map((r) => (
          <option key={r.key} value={r.key}>
            {r.name}
          </option>
        ))}
      </SelectField>
      <SelectField id="profile" name="profile" label="Profile" defaultValue={values.profile}>
        <option value="">All profiles</option>
        {options.profiles.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </SelectField>
      <SelectField id="group" name="group" label="Group" defaultValue={values.group}>
        <option value="">All groups</option>
        {options.groups.map((g) => (
          <option key={g.id} value={g.id}>
            {`${'\u00a0\u00a0'.repeat(g.depth)}${g.name}`}
          </option>
        ))}
      </SelectField>
      <SelectField id="status" name="status" label="Status" defaultValue={values.status}>
        <option value="">Any status</option>
        <option value="active">Active</option>
        <option value="deactivated">Deactivated</option>
      </SelectField>
      {values.sort ? <input type="hidden" name="sort" value={values.sort} /> : null}
      {values.dir ? <input type="hidden" name="dir" value={values.dir} /> : null}
      <div className="flex items-end gap-2 lg:col-span-6">
        <button type="submit" className={buttonClass('primary')}>
          Apply filters
        </button>
        <Link href="/users" className={buttonClass('ghost')}>
          Clear filters
        </Link>
      </div>
    </form>
  );
}
