'use client';

import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import type { ActionResult } from '@/lib/dal/errors';

/** What became of a mutation, as the person reads it at the control he used. */
export interface Outcome {
  kind: 'success' | 'refused' | 'conflict' | 'network' | 'too-large';
  text: string;
  /** The action's own field messages, by field, when it refused the input. */
  fieldErrors?: Record<string, string[]>;
}

const TOAST_TITLE: Record<Outcome['kind'], string> = {
  success: 'done',
  refused: 'refused',
  conflict: 'not saved: changed by someone else',
  network: 'not sent: no connection',
  'too-large': 'not sent: too large',
};

/** A failed call (no answer, or not the action's answer) in a person's words. */
export function outcomeOfThrown(error: unknown): Outcome {
  const message = error instanceof Error ? error.message : '';
  // proxy.ts answers an oversized write with 413 and this text (Next.js passes a text/plain answer on).
  if (/larger than/i.test(message)) return { kind: 'too-large', text: `${message} Make the change smaller and try again.` };
  return { kind: 'network', text: 'The server could not be reached; nothing was changed. Check the connection and try again.' };
}

export function outcomeOfResult(result: ActionResult<unknown>, success: string): Outcome {
  if (result.ok) return { kind: 'success', text: result.message ?? success };
  const kind = result.code === 'stale' ? 'conflict' : 'refused';
  return { kind, text: result.error, ...(result.fieldErrors ? { fieldErrors: result.fieldErrors } : {}) };
}

/**
 * Runs one server action as a mutation and reports its result: the `outcome` to show inline
 * where the person acted (see <ActionOutcome>), and a short toast naming the action. On success it
 * invalidates the query keys given; the pages themselves are refreshed by the action's
 * revalidatePath (one refresh path: no router.refresh() here).
 */
export function useActionMutation<I, T>({
  label,
  action,
  success,
  invalidate = [],
  onSuccess,
  onFailure,
}: {
  /** The action as the person named it ("Delete group"): the toast's title. */
  label: string;
  action: (input: I) => Promise<ActionResult<T>>;
  success: string | ((data: T, input: I) => string);
  invalidate?: QueryKey[];
  onSuccess?: (data: T, input: I) => void;
  onFailure?: (outcome: Outcome) => void;
}) {
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const report = (next: Outcome) => {
    setOutcome(next);
    const title = `${label}: ${TOAST_TITLE[next.kind]}`;
    if (next.kind === 'success') toast.success(title);
    else toast.error(title);
  };
  const mutation = useMutation({
    mutationFn: action,
    onMutate: () => setOutcome(null),
    onSuccess: async (result, input) => {
      if (!result.ok) {
        const failed = outcomeOfResult(result, '');
        report(failed);
        return onFailure?.(failed);
      }
      report({ kind: 'success', text: result.message ?? (typeof success === 'function' ? success(result.data, input) : success) });
      await Promise.all(invalidate.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      onSuccess?.(result.data, input);
    },
    onError: (error) => {
      const failed = outcomeOfThrown(error);
      report(failed);
      onFailure?.(failed);
    },
  });
  return { ...mutation, outcome, clearOutcome: () => setOutcome(null) };
}
