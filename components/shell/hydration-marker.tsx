'use client';

import { useEffect } from 'react';

/**
 * Marks the document once React has hydrated it. End-to-end tests wait for it before they
 * interact, so a click never lands on a control whose handler is not attached yet.
 */
export function HydrationMarker() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  return null;
}
