'use client';

import { useEffect, useRef } from 'react';
import type { Outcome } from '@/lib/query/action-mutation';

const TONE = {
  success: 'border-green-300 bg-green-50 text-green-800',
  failure: 'border-red-300 bg-red-50 text-red-800',
} as const;

/**
 * A mutation's result, shown at the control the person used and announced: a refusal or failure
 * is an alert and takes the focus (it needs a decision: fix, reload or retry), a success is a
 * polite status. `children` go inside a failure (a Reload button for a conflict, say).
 */
export function ActionOutcome({ outcome, children, className = '' }: { outcome: Outcome | null; children?: React.ReactNode; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const failed = outcome !== null && outcome.kind !== 'success';
  useEffect(() => {
    if (!failed) return;
    // After a closing dialog has put the focus back on its opener (Radix does so in a timeout).
    const timer = setTimeout(() => ref.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, [failed, outcome]);
  if (!outcome) return null;
  return (
    <div
      ref={ref}
      tabIndex={failed ? -1 : undefined}
      role={failed ? 'alert' : 'status'}
      aria-live={failed ? 'assertive' : 'polite'}
      className={`scroll-my-24 rounded-md border px-3 py-2 text-sm focus:outline-2 focus:outline-offset-2 focus:outline-red-700 ${failed ? TONE.failure : TONE.success} ${className}`}
    >
      <p>{outcome.text}</p>
      {failed ? children : null}
    </div>
  );
}
