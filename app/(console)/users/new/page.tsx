import type { Metadata } from 'next';
import Link from 'next/link';
import { pagePrincipal } from '@/lib/auth/principal';
import { userFormOptions } from '@/lib/dal';
import { readForPage } from '@/components/shell/dal-page';
import { UserForm } from '@/components/users/user-form';

export const metadata: Metadata = { title: 'Add user' };

export default async function NewUserPage() {
  const ctx = await pagePrincipal();
  const { data: options, fallback } = readForPage('adding users', () => userFormOptions({ ctx }));
  if (fallback) return fallback;
  return (
    <div className="space-y-4">
      <Link href="/users" className="text-sm text-brand-700 underline">
        ← Users
      </Link>
      <h1 className="text-2xl font-semibold">Add user</h1>
      <UserForm options={options} />
    </div>
  );
}
