/** What an "Add profile" or "Add role" form shows after a refused post: the message, each field's, and what was typed. */
export interface AddFormState {
  /** Present after a refused post: the same shape as every action's refusal. */
  ok?: false;
  code?: string;
  error?: string;
  fieldErrors?: Record<string, string[]>;
  values?: Record<string, string>;
}

/** One text field of a posted form; '' for a missing field, a file, or a caller that sent no form at all. */
export function formValue(form: unknown, name: string): string {
  const value = form instanceof FormData ? form.get(name) : null;
  return typeof value === 'string' ? value : '';
}

/** The dal names a field by its input key; the form by its own name. */
export function renameField(fieldErrors: Record<string, string[]> | undefined, from: string, to: string) {
  if (!fieldErrors || !(from in fieldErrors)) return fieldErrors;
  const { [from]: moved, ...rest } = fieldErrors;
  return { ...rest, [to]: moved ?? [] };
}
