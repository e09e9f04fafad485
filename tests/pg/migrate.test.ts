// The PostgreSQL ledger's migration runner (db/pg/migrate.ts) against a real server.
import { afterEach, describe, expect, it } from 'vitest'
import { assertNotNewer } from '../../db/migrate'
import { migratePg, pgSchemaVersion } from '../../db/pg/migrate'
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS, type PgMigration } from '../../db/pg/migrations'
import { AppError } from '../../shared/errors'
import { createTestLedger, type TestLedger } from '../helpers/pg'

const ledgers: TestLedger[] = []
async function fresh(): Promise<TestLedger> {
  const l = await createTestLedger()
  ledgers.push(l)
  return l
}
afterEach(async () => {
  for (const l of ledgers.splice(0)) await l.drop()
})

const tablesOf = async (l: TestLedger): Promise<string[]> => {
  const c = await l.owner()
  const r = await c.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
  return r.rows.map((x) => x.t)
}

/** A later migration, to test what happens to a ledger that already has a schema. */
const m9002: PgMigration = { version: 2, name: 'test_later', sql: 'CREATE TABLE later_table (id bigint PRIMARY KEY);' }

describe('PostgreSQL migrations', () => {
  it('0001 creates the whole ledger in an empty database, and records its version', async () => {
    const l = await fresh()
    const c = await l.owner()
    expect(await pgSchemaVersion(c)).toBe(0)
    expect(await migratePg(c, { appRole: l.appRole })).toEqual({ from: 0, to: PG_LATEST_SCHEMA_VERSION })
    expect(await pgSchemaVersion(c)).toBe(PG_LATEST_SCHEMA_VERSION)
    expect(await tablesOf(l)).toEqual(
      expect.arrayContaining(['audit_log', 'branches', 'customers', 'ledger_journal', 'ledger_journal_rows', 'otp_history', 'otp_requests', 'schema_version', 'staff']),
    )
    const v = await c.query('SELECT version, name, applied_by FROM schema_version ORDER BY version')
    expect(v.rows).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_by: l.ownerRole })))
  })

  it('runs again as a no-op', async () => {
    const l = await fresh()
    const c = await l.owner()
    await migratePg(c, { appRole: l.appRole })
    const before = await c.query('SELECT * FROM schema_version')
    expect(await migratePg(c, { appRole: l.appRole })).toEqual({ from: PG_LATEST_SCHEMA_VERSION, to: PG_LATEST_SCHEMA_VERSION })
    expect((await c.query('SELECT * FROM schema_version')).rows).toEqual(before.rows)
  })

  it('refuses a ledger newer than the app, with the SQLite refusal, and touches nothing', async () => {
    const l = await fresh()
    const c = await l.owner()
    await migratePg(c, { appRole: l.appRole })
    const newer = PG_LATEST_SCHEMA_VERSION + 1
    await c.query("INSERT INTO schema_version (version, name) VALUES ($1, 'from_a_newer_app')", [newer])
    const tables = await tablesOf(l)
    let sqliteRefusal: unknown
    try {
      assertNotNewer(newer, PG_LATEST_SCHEMA_VERSION)
    } catch (e) {
      sqliteRefusal = e
    }
    const err = await migratePg(c, { appRole: l.appRole, backupTaken: true }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('DATABASE_TOO_NEW')
    expect((err as AppError).message).toBe((sqliteRefusal as AppError).message)
    expect((err as AppError).message).toContain(`（${newer}）`)
    expect(await tablesOf(l)).toEqual(tables)
    expect(await pgSchemaVersion(c)).toBe(newer)
  })

  it('refuses to upgrade a ledger that has a schema until told a backup (pg_dump) was taken', async () => {
    const l = await fresh()
    const c = await l.owner()
    await migratePg(c, { appRole: l.appRole, migrations: [PG_MIGRATIONS[0]!] })
    const err = await migratePg(c, { appRole: l.appRole, migrations: [PG_MIGRATIONS[0]!, m9002] }).catch((e: unknown) => e)
    expect((err as AppError).code).toBe('LEDGER_BACKUP_REQUIRED')
    expect((err as AppError).message).toMatch(/pg_dump/)
    expect(await tablesOf(l)).not.toContain('later_table')
    expect(await pgSchemaVersion(c)).toBe(1)

    expect(await migratePg(c, { appRole: l.appRole, migrations: [PG_MIGRATIONS[0]!, m9002], backupTaken: true })).toEqual({ from: 1, to: 2 })
    expect(await tablesOf(l)).toContain('later_table')
    expect(await pgSchemaVersion(c)).toBe(2)
  })

  it('a failing migration leaves nothing behind (one transaction per migration)', async () => {
    const l = await fresh()
    const c = await l.owner()
    await migratePg(c, { appRole: l.appRole })
    const broken: PgMigration = { version: PG_LATEST_SCHEMA_VERSION + 1, name: 'broken', sql: 'CREATE TABLE half_done (id bigint); SELECT no_such_function();' }
    await expect(migratePg(c, { appRole: l.appRole, migrations: [...PG_MIGRATIONS, broken], backupTaken: true })).rejects.toThrow(/no_such_function/)
    expect(await tablesOf(l)).not.toContain('half_done')
    expect(await pgSchemaVersion(c)).toBe(PG_LATEST_SCHEMA_VERSION)
  })

  it('two terminals migrating the same empty ledger at once: one migrates, the other waits and finds it done', async () => {
    const l = await fresh()
    const [a, b] = [await l.owner(), await l.owner()]
    // Slowed down so that the two surely overlap.
    const slow = PG_MIGRATIONS.map((m) => ({ ...m, sql: `${m.sql};\nSELECT pg_sleep(0.4);` }))
    const reports = await Promise.all([migratePg(a, { appRole: l.appRole, migrations: slow }), migratePg(b, { appRole: l.appRole, migrations: slow })])
    expect(reports.map((r) => r.from).sort()).toEqual([0, PG_LATEST_SCHEMA_VERSION])
    expect(reports.every((r) => r.to === PG_LATEST_SCHEMA_VERSION)).toBe(true)
    const v = await a.query('SELECT version FROM schema_version ORDER BY version')
    expect(v.rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version))
  })
})
