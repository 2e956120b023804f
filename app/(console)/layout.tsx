import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getPrincipal } from '@/lib/auth/principal';
import { holds } from '@/lib/dal';
import { AREAS } from '@/lib/permissions/console';
import { NavLinks } from '@/components/shell/nav-links';
import { Providers } from '@/components/shell/providers';
import { signOutAction, signOutEverywhereAction } from './actions';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const principal = await getPrincipal();
  if (!principal) redirect('/login');
  // Display only: every page and verb checks again on the server.
  const areas = AREAS.filter((a) => a.anyOf.some((k) => holds(principal, k))).map(({ href, label }) => ({ href, label }));
  return (
    <Providers>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-3">
          <Link href="/" className="text-lg font-semibold text-brand-900">
            Switchboard
          </Link>
          <nav aria-label="Main" className="flex-1">
            <NavLinks areas={areas} />
          </nav>
          <div className="flex items-center gap-3 text-sm">
            <span aria-label="Signed in as">
              {principal.name} <span className="text-slate-500">({principal.loginName})</span>
            </span>
            <form action={signOutAction}>
              <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">
                Sign out
              </button>
            </form>
            <form action={signOutEverywhereAction}>
              <button type="submit" className="rounded-md px-2 py-1.5 text-slate-600 underline hover:bg-slate-100" title="End your sessions on every device">
                Sign out everywhere
              </button>
            </form>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        {children}
      </main>
    </Providers>
  );
}
