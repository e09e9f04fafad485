// `npm test`: everything this machine can run.
//   1. electron-vite build (the Electron-layer tests below test the built bundles).
//   2. vitest: unit, contract and integration tests (real SQLite files, real PDFs via poppler), the
//      server ledger's tests (tests/pg) on a throwaway PostgreSQL cluster started here for the run
//      (scripts/pg-cluster.mjs; its URL goes to vitest and then Playwright as OTP_TEST_PG_URL;
//      stopped and removed after Playwright, also when a test fails or the run is interrupted), and the Electron layer without Electron's runtime: the built main bundle against a recording
//      stand-in of Electron's API, the built preload in node:vm, and a packaging dry run.
//   3. Playwright: the browser e2e journey in Debian's Chromium through the loopback bridge, the
//      built renderer under file:// with the preload's API injected (as Electron loads it), and
//      the Electron e2e specs (skipped, with the reason, where Electron's runtime cannot run; never
//      counted as passed).
// It ends with one line 'Summary: N passed, N failed, N skipped' and lists every skipped test
// with its reason. Exit code is non-zero if anything failed or a step could not run.
import fs from 'node:fs'
import path from 'node:path'
import { ensureBuild, root, run } from './lib.mjs'
import { startCluster } from './pg-cluster.mjs'

// Not test-results/: Playwright empties that folder when it starts.
const results = path.join(root, 'artifacts', 'test-reports')
fs.mkdirSync(results, { recursive: true })
const vitestJson = path.join(results, 'vitest.json')
const pwJson = path.join(results, 'playwright.json')
for (const f of [vitestJson, pwJson]) fs.rmSync(f, { force: true })

const stepFailures = []
console.log('\n=== 1/3 build (electron-vite) ===')
const built = ensureBuild() === 0
if (!built) stepFailures.push('build')

console.log('\n=== 2/3 unit, contract, integration and Electron-layer tests (vitest) ===')
let pg = null
try {
  pg = startCluster({ log: (m) => console.log(m) })
} catch (e) {
  // The PostgreSQL tests then fail (they never skip): the step is reported as failed too.
  console.error(e.message)
  stepFailures.push('postgresql')
}
if (pg) {
  process.on('exit', pg.stop)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130))
}
const pgEnv = { ...process.env, ...(pg ? { OTP_TEST_PG_URL: pg.url } : {}) }
if (run('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile=${vitestJson}`], { env: pgEnv }) !== 0) stepFailures.push('vitest')

console.log('\n=== 3/3 end-to-end tests (Playwright: browser preview, file:// renderer, Electron) ===')
// The same cluster, still up: the two-terminal spec makes its ledger there (tests/e2e-browser/server-ledger.spec.ts).
if (built && run('playwright', ['test'], { env: { ...pgEnv, OTP_PW_JSON: pwJson } }) !== 0) stepFailures.push('playwright')
pg?.stop()

let passed = 0
let failed = 0
let skipped = 0
const skippedList = []
if (fs.existsSync(vitestJson)) {
  const v = JSON.parse(fs.readFileSync(vitestJson, 'utf8'))
  passed += v.numPassedTests
  failed += v.numFailedTests
  skipped += v.numPendingTests + v.numTodoTests
  for (const file of v.testResults ?? [])
    for (const t of file.assertionResults ?? [])
      if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') skippedList.push(`${path.relative(root, file.name)} › ${t.fullName}`)
}
if (fs.existsSync(pwJson)) {
  const p = JSON.parse(fs.readFileSync(pwJson, 'utf8'))
  const walk = (suite, trail) => {
    for (const s of suite.suites ?? []) walk(s, [...trail, s.title].filter(Boolean))
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? []) {
        const status = t.status // expected | unexpected | skipped | flaky
        if (status === 'expected' || status === 'flaky') passed++
        else if (status === 'skipped') {
          skipped++
          const why = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'no reason given'
          skippedList.push(`[${t.projectName}] ${[...trail, spec.title].join(' › ')} — skipped: ${why}`)
        } else failed++
      }
  }
  walk(p, [])
} else if (built) {
  stepFailures.push('playwright (no report)')
}

if (skippedList.length) {
  console.log('\nSkipped (not counted as passed):')
  for (const s of skippedList) console.log(`  - ${s}`)
}
if (stepFailures.length) console.log(`\nFailed steps: ${stepFailures.join(', ')}`)
console.log(`\nSummary: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(stepFailures.length || failed ? 1 : 0)
