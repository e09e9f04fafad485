import { defineConfig } from 'vitest/config'

// Unit, contract and integration tests run in Node against real SQLite files in temporary
// folders; tests/pg against a throwaway PostgreSQL server (tests/helpers/pg.ts). Browser and
// Electron end-to-end tests are Playwright's (playwright.config.ts).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/pg/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/contract/**/*.test.ts', 'tests/electron/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 20_000,
  },
})
