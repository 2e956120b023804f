import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl p-10">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">There is nothing here, or it is outside what you may see.</p>
      <Link className="mt-4 inline-block text-brand-700 underline" href="/">
        Back to Switchboard
      </Link>
    </main>
  );
}
