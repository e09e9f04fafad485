// ESLint: TypeScript and Vue rules, plus the boundaries of the house layout (DESIGN.md):
// - shared/ imports no electron, no node:, nothing from db/, renderer/ or electron/;
// - renderer/ imports neither db/ nor the main process (nor electron, node: or native modules);
// - the preload imports only electron and shared/operations;
// - db/ and forms/ never import the main process or the renderer.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'util', 'events', 'stream', 'worker_threads']
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
})

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'artifacts/**', '.native/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/essential'],
  {
    files: ['**/*.{ts,mts,mjs}'],
    rules: {
      // Full-width spaces (U+3000) are ordinary in Japanese text.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipComments: true, skipRegExps: true }],
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    // In templates the Vue rule below does this job, and knows text from attributes.
    rules: { 'no-irregular-whitespace': 'off' },
  },
  {
    files: ['**/*.{ts,mts,mjs,vue}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipComments: true, skipRegExps: true, skipHTMLTextContents: true, skipHTMLAttributeValues: true }],
      'vue/multi-word-component-names': 'off',
      'vue/valid-v-slot': ['error', { allowModifiers: true }],
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      ['electron', 'node:*', ...NODE_BUILTINS, 'better-sqlite3', 'pg', 'drizzle-orm', 'drizzle-orm/*', '**/db/**', '**/db', '**/electron/**', 'pino'],
      'renderer/ reaches the ledger only through the typed client (shared contract); no db/, main process, Node or Electron here.',
    ),
  },
  {
    files: ['shared/**/*.ts'],
    rules: restrict(
      ['electron', 'node:*', ...NODE_BUILTINS, 'better-sqlite3', 'pg', 'drizzle-orm', 'drizzle-orm/*', 'pino', '**/db/**', '**/db', '**/renderer/**', '**/electron/**', '**/forms/**'],
      'shared/ is imported by both sides: no electron, node:, db/, renderer/ or main-process imports.',
    ),
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!electron$|\\.\\./\\.\\./shared/operations$).*',
              message: 'The preload imports only electron and shared/operations.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['db/**/*.ts', 'forms/**/*.ts'],
    rules: restrict(['electron', '**/renderer/**', '**/electron/**'], 'db/ and forms/ know nothing of the main process or the renderer.'),
  },
)
