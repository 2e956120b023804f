'use client';

import { useEffect, useRef } from 'react';

/**
 * While `pending` changes are unsaved: closing or reloading the tab asks first (beforeunload); a
 * click on a link inside the console asks before it navigates; so does Back (a guard entry is
 * pushed onto the history, and leaving it asks). `message` is the question asked.
 */
export function useUnsavedGuard(pending: number, message: string) {
  const question = useRef(message);
  useEffect(() => {
    question.current = message;
  }, [message]);
  const active = pending > 0;
  useEffect(() => {
    if (!active) return;
    const ask = () => window.confirm(question.current);
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const link = (e.target as Element | null)?.closest?.('a[href]');
      if (!(link instanceof HTMLAnchorElement) || link.target === '_blank' || link.hasAttribute('download')) return;
      const to = new URL(link.href, window.location.href);
      if (to.origin !== window.location.origin || (to.pathname === window.location.pathname && to.search === window.location.search)) return;
      if (!ask()) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    // Back: stay on a guard entry; leaving it asks, and staying puts the guard back.
    window.history.pushState({ ...window.history.state, unsavedGuard: true }, '');
    const onPopState = () => {
      if (ask()) {
        window.removeEventListener('popstate', onPopState);
        window.history.back();
      } else {
        window.history.pushState({ ...window.history.state, unsavedGuard: true }, '');
      }
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    window.addEventListener('popstate', onPopState);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
      window.removeEventListener('popstate', onPopState);
    };
  }, [active]);
}
