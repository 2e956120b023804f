import { SelectField } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';

/**
 * A plain GET form choosing the role an editor starts from: the page reloads with that role's
 * permissions at their defaults. Used for a new profile (its role) and a new role (its base).
 */
export function RolePicker({
  roles,
  value,
  action = '/profiles/new',
  param = 'role',
  label = 'Role',
  placeholder = 'Choose a role…',
}: {
  roles: { key: string; name: string }[];
  value?: string;
  action?: string;
  param?: string;
  label?: string;
  placeholder?: string;
}) {
  return (
    <form method="get" action={action} className="flex max-w-md items-end gap-2">
      <div className="flex-1">
        <SelectField id={`picker-${param}`} name={param} label={label} defaultValue={value} required>
          <option value="" disabled>
            {placeholder}
          </option>
          {roles.map((r) => (
            <option key={r.key} value={r.key}>
              {r.name}
            </option>
          ))}
        </SelectField>
      </div>
      <button type="submit" className={buttonClass('secondary')}>
        {value ? `Change ${label.toLowerCase()}` : 'Continue'}
      </button>
    </form>
  );
}
