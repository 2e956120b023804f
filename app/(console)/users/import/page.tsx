import type { Metadata } from 'next';
import Link from 'next/link';
import { pagePrincipal } from '@/lib/auth/principal';
import { userFormOptions } from '@/lib/dal';
import { MAX_IMPORT_BYTES, MAX_IMPORT_PASSWORDS, MAX_IMPORT_ROWS } from '@/lib/schemas/users';
import { readForPage } from '@/components/shell/dal-page';
import { ImportUsers } from '@/components/users/import-users';

export const metadata: Metadata = { title: 'Import users' };

export default async function ImportUsersPage() {
  const ctx = await pagePrincipal();
  // Display only: the import itself authorizes every row.
  const { data: options, fallback } = readForPage('importing users', () => userFormOptions({ ctx }));
  if (fallback) return fallback;
  const profiles = options.profilesByRole.flatMap((r) => r.profiles.map((p) => p.name));
  return (
    <div className="max-w-4xl space-y-4">
      <Link href="/users" className="text-sm text-brand-700 underline">
        ← Users
      </Link>
      <h1 className="text-2xl font-semibold">Import users</h1>
      <section aria-labelledby="format-title" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700">
        <h2 id="format-title" className="text-base font-medium text-slate-900">
          The file
        </h2>
        <p>
          A CSV file in UTF-8 with a header line, the columns of <strong>Export CSV</strong> on the Users page: <strong>Login name</strong>,{' '}
          <strong>Name</strong>, <strong>Email</strong> and <strong>Nickname</strong> are required; <strong>Profiles</strong>, <strong>Group</strong>,{' '}
          <strong>Skills</strong>, <strong>Max chats</strong> and <strong>Password</strong> are optional. Roles and Status are read from an export but ignored:
          the profiles give the roles, and imported users are active.
        </p>
        <ul className="list-disc space-y-1 pl-5">
          <li>Several profiles or skills share a cell, separated by semicolons. Profiles you may hand out: {profiles.join(', ') || 'none'}.</li>
          <li>A group is named by its path from the top (“Support / Tier 1”), or by its name alone when no other group has it.</li>
          <li>A user without a password cannot sign in until someone sets one on his page. At most {MAX_IMPORT_PASSWORDS} rows may carry a password.</li>
          <li>
            Up to {MAX_IMPORT_ROWS.toLocaleString('en')} users and {MAX_IMPORT_BYTES / 1024 / 1024} MB per file. Emails must not repeat, in the file or among
            existing users.
          </li>
          <li>All or nothing: you see what would happen first, and if any row has a problem, nobody is imported.</li>
        </ul>
      </section>
      <ImportUsers />
    </div>
  );
}
