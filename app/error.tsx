'use client';

// Shown instead of any unexpected failure: never a stack trace, always a way on.
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-xl p-10" role="alert">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-slate-600">Nothing was changed. Try again; if it keeps happening, tell your administrator.</p>
      <button type="button" onClick={reset} className="mt-4 rounded-md bg-brand-600 px-4 py-2 text-white hover:bg-brand-700">
        Try again
      </button>
    </main>
  );
}
