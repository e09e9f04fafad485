// A fresh ledger database with its own owner and application roles on a given PostgreSQL server
// (issue 12). Apart from tests/helpers/pg.ts, which finds or starts the server, so that the
// Playwright specs (whose loader cannot import scripts/pg-cluster.mjs) can use it too.
//
// Random names: roles are shared by the whole cluster and test files run in parallel.
import { randomBytes } from 'node:crypto'
import pg from 'pg'

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

/** An empty database on the server of `base` (a superuser's URL), owned by a fresh owner role,
 * and a fresh application role. */
export async function createLedgerOn(base: string): Promise<TestLedger> {
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
