import { SelectField } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';

/** A plain GET form: the editor reloads with the chosen role's permissions at their defaults. */
export function RolePicker({ roles, value }: { roles: { key: string; name: string }[]; value?: string }) {
  return (
    <form method="get" action="/profiles/new" className="flex max-w-md items-end gap-2">
      <div className="flex-1">
        <SelectField id="profile-role" name="role" label="Role" defaultValue={value} required>
          <option value="" disabled>
            Choose a role…
          </option>
          {roles.map((r) => (
            <option key={r.key} value={r.key}>
              {r.name}
            </option>
          ))}
        </SelectField>
      </div>
      <button type="submit" className={buttonClass('secondary')}>
        {value ? 'Change role' : 'Continue'}
      </button>
    </form>
  );
}
