// The PostgreSQL server for the tests of the server ledger (tests/pg). `npm test` (scripts/test.mjs)
// starts one throwaway cluster for the run and passes its URL as OTP_TEST_PG_URL; a test file run by
// hand without it starts its own (scripts/pg-cluster.mjs), except in CI, where a missing URL means
// the wiring broke and the tests fail. They never skip: no server, no pass.
//
// Each ledger made here is its own database with its own owner and application roles (random
// names: roles are shared by the whole cluster and test files run in parallel), dropped at the end.
import { startCluster } from '../../scripts/pg-cluster.mjs'
import { createLedgerOn, type TestLedger } from './pgLedger'

export { connect, urlFor, type TestLedger } from './pgLedger'

let own: { url: string; stop: () => void } | null = null

export function serverUrl(): string {
  const url = process.env.OTP_TEST_PG_URL
  if (url) return url
  if (process.env.CI === 'true' || process.env.CI === '1')
    throw new Error('OTP_TEST_PG_URL is not set: in CI the PostgreSQL tests run under npm test (scripts/test.mjs starts the server)')
  if (!own) {
    own = startCluster()
    process.once('exit', () => own?.stop())
  }
  return own.url
}

/** An empty database owned by a fresh owner role, and a fresh application role (tests/helpers/pgLedger.ts),
 * on the tests' server, or on the server `base` reaches as its superuser (a cluster of a test's own). */
export function createTestLedger(base: string = serverUrl()): Promise<TestLedger> {
  return createLedgerOn(base)
}
