/** What an "Add profile" or "Add role" form shows after a refused post: the message, each field's, and what was typed. */
export interface AddFormState {
  error?: string;
  fieldErrors?: Record<string, string[]>;
  values?: Record<string, string>;
}
