'use client';

import { useActionState } from 'react';
import type { AddFormState } from '@/lib/add-form';
import { SelectField, TextField } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { Alert } from '@/components/ui/alert';

/**
 * The role an editor starts from, as a real form posted to a server action (progressive
 * enhancement): the role travels as a field, so a choice made before the page has hydrated, or
 * with no script at all, is the one the server gets. "Continue" opens the editor at the role's
 * defaults; "Create …" creates at those defaults at once. Used for a new profile (its role) and a
 * new role (its base).
 */
export function RolePicker({
  roles,
  value,
  action,
  param = 'role',
  label = 'Role',
  placeholder = 'Choose a role…',
  createLabel,
}: {
  roles: { key: string; name: string }[];
  value?: string;
  action: (previous: AddFormState, form: FormData) => Promise<AddFormState>;
  param?: string;
  label?: string;
  placeholder?: string;
  /** "Create profile": offered until a role is chosen (then the editor below creates). */
  createLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  const chosen = state.values?.[param] || value || '';
  return (
    <form action={formAction} className="max-w-xl space-y-3" aria-label={createLabel}>
      {state.error ? <Alert>{state.error}</Alert> : null}
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-56 flex-1">
          <SelectField id={`picker-${param}`} name={param} label={label} defaultValue={chosen} key={chosen} required>
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
        <button type="submit" name="intent" value="continue" formNoValidate className={buttonClass('secondary')} disabled={pending}>
          {value ? `Change ${label.toLowerCase()}` : 'Continue'}
        </button>
      </div>
      {value ? null : (
        <div className="flex flex-wrap items-end gap-2">
          <div className="min-w-56 flex-1">
            <TextField
              id="picker-name"
              name="name"
              label="Name"
              maxLength={200}
              defaultValue={state.values?.name ?? ''}
              error={state.fieldErrors?.name?.[0]}
              autoComplete="off"
            />
          </div>
          <button type="submit" name="intent" value="create" className={buttonClass('primary')} disabled={pending}>
            {createLabel}
          </button>
        </div>
      )}
    </form>
  );
}
