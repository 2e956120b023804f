import type { Metadata } from 'next';
import Link from 'next/link';
import { pagePrincipal } from '@/lib/auth/principal';
import { getRoleEditor, listRoles } from '@/lib/dal';
import { readForPage } from '@/components/shell/dal-page';
import { RoleEditor } from '@/components/roles/role-editor';
import { RolePicker } from '@/components/profiles/role-picker';

export const metadata: Metadata = { title: 'Add role' };

export default async function NewRolePage({ searchParams }: { searchParams: Promise<{ base?: string | string[] }> }) {
  const ctx = await pagePrincipal();
  const { base } = await searchParams;
  const { data: roles, fallback } = readForPage('roles', () => listRoles({ ctx }));
  if (fallback) return fallback;
  const builtIn = roles.filter((r) => r.builtIn);
  const chosen = typeof base === 'string' && builtIn.some((r) => r.key === base) ? base : undefined;
  const editor = chosen ? getRoleEditor({ ctx, input: { baseRoleKey: chosen } }) : null;
  return (
    <div className="space-y-4">
      <Link href="/roles" className="text-sm text-brand-700 underline">
        ← Roles
      </Link>
      <h1 className="text-2xl font-semibold">Add role</h1>
      <RolePicker
        roles={builtIn.map(({ key, name }) => ({ key, name }))}
        value={chosen}
        action="/roles/new"
        param="base"
        label="Base role"
        placeholder="Choose a built-in role…"
      />
      {editor ? (
        <RoleEditor key={editor.base.key} role={editor} />
      ) : (
        <p className="text-slate-600">
          A custom role takes its base role&apos;s core permissions and configurable permissions; you choose its defaults and rank.
        </p>
      )}
    </div>
  );
}
