import type { Metadata } from 'next';
import { pagePrincipal } from '@/lib/auth/principal';
import { listSkills } from '@/lib/dal';
import { readForPage } from '@/components/shell/dal-page';
import { SkillManager } from '@/components/skills/skill-manager';

export const metadata: Metadata = { title: 'Skills' };

export default async function SkillsPage() {
  const ctx = await pagePrincipal();
  const { data: skills, fallback } = readForPage('skills', () => listSkills({ ctx }));
  if (fallback) return fallback;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Skills</h1>
      <SkillManager skills={skills} />
    </div>
  );
}
