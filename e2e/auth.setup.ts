import { test as setup } from '@playwright/test';
import { PERSONAS, signIn, storageStateOf } from './fixtures';

for (const persona of PERSONAS) {
  setup(`sign in as ${persona}`, async ({ page }) => {
    await signIn(page, persona);
    await page.context().storageState({ path: storageStateOf(persona) });
  });
}
