// End-to-end tests: Playwright drives Debian's Chromium against the web host (project "web"), and the
// Electron app where its binary exists (project "electron"; reported as skipped, with the reason, where
// it does not). Screenshots are kept under e2e/artifacts/ as test artefacts.
import { defineConfig } from '@playwright/test';
import { chromiumPath } from './support/chromium';
import { electronBinary } from './support/hosts';

// The project's name says why its specs are skipped where the Electron binary is absent.
const electronProject = electronBinary() ? 'electron' : 'electron (binary not installed here: skipped)';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: 'artifacts/results',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  workers: 1,
  reporter: [['list'], ['html', { outputFolder: 'artifacts/report', open: 'never' }]],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--use-gl=angle',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    },
  },
  projects: [
    { name: 'web', metadata: { host: 'web' } },
    { name: electronProject, metadata: { host: 'electron' } },
  ],
});
