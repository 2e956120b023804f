import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv } from './env';

/** What an operator deploys from, read as files: Docker cannot run on this machine, so its file is checked here. */
const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('the deploy files', () => {
  const dockerfile = read('Dockerfile');

  it('the Dockerfile builds in stages and runs the production build as an unprivileged user, the database on a volume', () => {
    const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => m[2]);
    expect(stages).toEqual(['deps', 'build', 'run']);
    const run = dockerfile.slice(dockerfile.indexOf('AS run'));
    expect(run).toMatch(/^USER switchboard$/m);
    expect(run).not.toMatch(/^USER root$/m);
    expect(run).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(run).toMatch(/SWITCHBOARD_DB=\/data\/switchboard\.db/);
    expect(dockerfile).toMatch(/RUN npm ci/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(run).toMatch(/HEALTHCHECK .*\/api\/health\/ready/);
  });

  it('its start command is npm start without a build, the command the end-to-end suite serves the console with', () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(cmd).toEqual(['npm', 'start', '--', '--no-build']);
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.scripts.start).toBe('tsx scripts/start.ts');
    // npm start needs tsx at run time, when dev dependencies are pruned.
    expect(pkg.dependencies.tsx).toBeDefined();
    expect(read('playwright.config.ts')).toContain("command: 'npx tsx scripts/start.ts --no-build'");
  });

  it('.env.example names every variable the console reads, each documented in the README', () => {
    const names = Object.keys(readEnv({} as NodeJS.ProcessEnv));
    const example = read('.env.example');
    const readme = read('README.md');
    for (const name of names) {
      expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
      expect(readme, name).toContain(`\`${name}\``);
    }
  });
});
