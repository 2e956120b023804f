import { notFound } from 'next/navigation';
import { DalError } from '@/lib/dal/errors';
import { NoAccess } from './no-access';
import { Alert } from '@/components/ui/alert';

/**
 * Run a page's dal read: a refusal becomes the "no access" page, "not found" the 404 page, bad
 * input a message; anything else goes to the error page. Returns the data or the element to show.
 */
export function readForPage<T>(what: string, read: () => T): { data: T; fallback?: undefined } | { data?: undefined; fallback: React.ReactElement } {
  try {
    return { data: read() };
  } catch (error) {
    if (!(error instanceof DalError)) throw error;
    if (error.code === 'forbidden') return { fallback: <NoAccess what={what} reason={error.message} /> };
    if (error.code === 'not-found') notFound();
    return { fallback: <Alert>{error.message}</Alert> };
  }
}
