import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getPrincipal } from '@/lib/auth/principal';
import { holds } from '@/lib/dal';
import { AREAS } from '@/lib/permissions/console';

export default async function HomePage() {
  const principal = await getPrincipal();
  if (!principal) redirect('/login');
  const areas = AREAS.filter((a) => a.anyOf.some((k) => holds(principal, k)));
  const granted = principal.catalog.permissions.filter((p) => principal.effective.bits.has(p.bit));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Welcome, {principal.name}</h1>
      {areas.length ? (
        <section aria-labelledby="areas-title">
          <h2 id="areas-title" className="text-lg font-medium">
            What you can manage
          </h2>
          <ul className="mt-2 flex flex-wrap gap-2">
            {areas.map((a) => (
              <li key={a.href}>
                <Link className="block rounded-md border border-slate-300 bg-white px-4 py-2 hover:bg-slate-100" href={a.href}>
                  {a.label}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <p className="text-slate-700">Your profiles give you no console areas to manage. Your own permissions are listed below.</p>
      )}
      <section aria-labelledby="mine-title">
        <h2 id="mine-title" className="text-lg font-medium">
          Your permissions ({granted.length})
        </h2>
        <ul className="mt-2 grid gap-1 text-sm sm:grid-cols-2">
          {granted.map((p) => (
            <li key={p.key}>{p.name}</li>
          ))}
        </ul>
      </section>
    </div>
  );
}
