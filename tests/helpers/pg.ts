// The PostgreSQL server for the tests of the server ledger (tests/pg). `npm test` (scripts/test.mjs)
// starts one throwaway cluster for the run and passes its URL as OTP_TEST_PG_URL; a test file run by
// hand without it starts its own (scripts/pg-cluster.mjs), except in CI, where a missing URL means
// the wiring broke and the tests fail. They never skip: no server, no pass.
//
// Each ledger made here is its own database with its own owner and application roles (random
// names: roles are shared by the whole cluster and test files run in parallel), dropped at the end.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { startCluster } from '../../scripts/pg-cluster.mjs'

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

/** A URL for another database and role on the same server. */
export function urlFor(base: string, user: string, database: string): string {
  const u = new URL(base)
  u.username = user
  u.pathname = `/${database}`
  return u.toString()
}

export async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  return c
}

export interface TestLedger {
  database: string
  ownerRole: string
  appRole: string
  ownerUrl: string
  appUrl: string
  /** Connects as the owner (runs migrations) or as the application role (what terminals are). */
  owner(): Promise<pg.Client>
  app(): Promise<pg.Client>
  drop(): Promise<void>
}

/** An empty database owned by a fresh owner role, and a fresh application role (on the tests'
 * server, or on the server `base` reaches as its superuser: a cluster of a test's own). */
export async function createTestLedger(base: string = serverUrl()): Promise<TestLedger> {
  const tag = randomBytes(5).toString('hex')
  const database = `ledger_${tag}`
  const ownerRole = `otp_owner_${tag}`
  const appRole = `otp_app_${tag}`
  const admin = await connect(base)
  try {
    await admin.query(`CREATE ROLE ${ownerRole} LOGIN`)
    await admin.query(`CREATE ROLE ${appRole} LOGIN`)
    await admin.query(`CREATE DATABASE ${database} OWNER ${ownerRole}`)
  } finally {
    await admin.end()
  }
  const clients: pg.Client[] = []
  const open = async (url: string) => {
    const c = await connect(url)
    // A server restarted under a test (its own cluster) ends the connection: the next query fails,
    // the 'error' event must not end the test worker.
    c.on('error', () => {})
    clients.push(c)
    return c
  }
  const ownerUrl = urlFor(base, ownerRole, database)
  const appUrl = urlFor(base, appRole, database)
  return {
    database,
    ownerRole,
    appRole,
    ownerUrl,
    appUrl,
    owner: () => open(ownerUrl),
    app: () => open(appUrl),
    drop: async () => {
      await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})))
      const a = await connect(base)
      try {
        await a.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
        await a.query(`DROP ROLE IF EXISTS ${appRole}`)
        await a.query(`DROP ROLE IF EXISTS ${ownerRole}`)
      } finally {
        await a.end()
      }
    },
  }
}
