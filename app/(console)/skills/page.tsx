import type { Metadata } from 'next';
import { pagePrincipal } from '@/lib/auth/principal';
import { listSkills } from '@/lib/dal';
import { readForPage } from '@/components/shell/dal-page';
import { DataTable, cell } from '@/components/ui/table';

export const metadata: Metadata = { title: 'Skills' };

export default async function SkillsPage() {
  const ctx = await pagePrincipal();
  const { data: skills, fallback } = readForPage('skills', () => listSkills({ ctx }));
  if (fallback) return fallback;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Skills</h1>
      {skills.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">No skills yet.</p>
      ) : (
        <DataTable caption="Skills" columns={['Skill', 'Agents']}>
          {skills.map((s) => (
            <tr key={s.id}>
              <td className={cell}>{s.name}</td>
              <td className={cell}>{s.agents}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
