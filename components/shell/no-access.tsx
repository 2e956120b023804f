import Link from 'next/link';

/** What a signed-in user sees on a screen his permissions do not open: a page, not an error. */
export function NoAccess({ what, reason }: { what: string; reason: string }) {
  return (
    <section aria-labelledby="no-access-title" className="mx-auto max-w-xl rounded-lg border border-amber-300 bg-amber-50 p-6">
      <h1 id="no-access-title" className="text-xl font-semibold text-amber-900">
        You don&apos;t have access to {what}
      </h1>
      <p className="mt-2 text-amber-900">{reason}</p>
      <p className="mt-2 text-sm text-amber-900">Ask an administrator if you need it.</p>
      <Link href="/" className="mt-4 inline-block text-brand-700 underline">
        Back to your overview
      </Link>
    </section>
  );
}
