'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export function NavLinks({ areas }: { areas: { href: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    <ul className="flex flex-wrap gap-1">
      {areas.map((a) => {
        const current = pathname === a.href || pathname.startsWith(`${a.href}/`);
        return (
          <li key={a.href}>
            <Link
              href={a.href}
              aria-current={current ? 'page' : undefined}
              className={`block rounded-md px-3 py-2 text-sm font-medium ${current ? 'bg-brand-100 text-brand-900' : 'text-slate-700 hover:bg-slate-100'}`}
            >
              {a.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
