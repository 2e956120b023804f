import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's directory: the seeded template databases and every test file's copy (lib/testing/db.ts). */
    testDatabaseDir: string;
  }
}

/**
 * Gives each run a directory of its own and removes it at the end. The templates are built in the
 * workers, by the test code itself, so a run never copies a template built from older code: a
 * rerun in watch mode (after a change to a migration or the seed, say) gets a new directory too.
 */
export default function setup(project: TestProject): () => void {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-tests-'));
    dirs.push(dir);
    project.provide('testDatabaseDir', dir);
  };
  freshDir();
  project.onTestsRerun(freshDir);
  return () => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  };
}
