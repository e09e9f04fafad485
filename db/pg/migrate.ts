// Migrations of the PostgreSQL ledger (issue 12), run by the owner role (db/pg/roles.ts):
//  - schema_version holds one row per applied migration; a ledger whose version is newer than
//    this app's is refused untouched, with the SQLite refusal's code and message (DATABASE_TOO_NEW);
//  - each migration runs in its own transaction, under pg_advisory_xact_lock: two terminals that
//    migrate at the same moment run one after the other, and the second finds the work done;
//  - backup before migrate: PostgreSQL's backups are the DBA's (pg_dump, README), so the runner
//    cannot take one itself; it refuses to change a ledger that already holds a schema unless told
//    that a backup was taken (`backupTaken: true`, the command line's --backup-taken).
import type { ClientBase } from 'pg'
import { AppError } from '../../shared/errors'
import { assertNotNewer } from '../migrate'
import { MIGRATION_LOCK_KEY } from './guards'
import { PG_MIGRATIONS, PG_LATEST_SCHEMA_VERSION, type PgMigration } from './migrations'
import { appGrantsSql } from './roles'

export interface PgMigrationReport {
  from: number
  to: number
}

export interface PgMigrateOptions {
  /** The role terminals connect as; its grants are (re)applied with every migration, and on
   * every run that finds nothing to migrate. */
  appRole: string
  /** A pg_dump of this ledger was taken (required to change a ledger that already has a schema). */
  backupTaken?: boolean
  migrations?: readonly PgMigration[]
}

const SCHEMA_VERSION_SQL = /* sql */ `
CREATE TABLE IF NOT EXISTS schema_version (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL DEFAULT current_user
)`

/** The ledger's schema version (0: no schema yet). */
export async function pgSchemaVersion(client: ClientBase): Promise<number> {
  const t = await client.query<{ t: string | null }>("SELECT to_regclass('schema_version')::text AS t")
  if (!t.rows[0]?.t) return 0
  const r = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version')
  return r.rows[0]?.v ?? 0
}

export function backupRequired(): AppError {
  return new AppError('LEDGER_BACKUP_REQUIRED')
}

export async function migratePg(client: ClientBase, opts: PgMigrateOptions): Promise<PgMigrationReport> {
  const migrations = opts.migrations ?? PG_MIGRATIONS
  const latest = opts.migrations ? (migrations[migrations.length - 1]?.version ?? 0) : PG_LATEST_SCHEMA_VERSION
  // The whole run under the migration lock too (a session lock; each migration's transaction takes
  // it again, which a session may): a second terminal waits for the first's last migration, so it
  // finds the work done instead of meeting a ledger half way through a multi-step run.
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
  try {
    return await migrateLocked(client, opts, migrations, latest)
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
  }
}

async function migrateLocked(client: ClientBase, opts: PgMigrateOptions, migrations: readonly PgMigration[], latest: number): Promise<PgMigrationReport> {
  let from: number | null = null
  for (const m of migrations) {
    await client.query('BEGIN')
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
      // Read under the lock: another terminal may have migrated while this one waited.
      const now = await pgSchemaVersion(client)
      from ??= now
      assertNotNewer(now, latest)
      if (now >= m.version) {
        await client.query('COMMIT')
        continue
      }
      // A ledger that held a schema when this run began (a fresh one is migrated all the way at once).
      if (from > 0 && !opts.backupTaken) throw backupRequired()
      await client.query(SCHEMA_VERSION_SQL)
      await client.query(m.sql)
      await client.query(appGrantsSql(opts.appRole))
      await client.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [m.version, m.name])
      await client.query('COMMIT')
    } catch (e) {
      await client.query('ROLLBACK')
      throw e
    }
  }
  if (from === null) {
    from = await pgSchemaVersion(client)
    assertNotNewer(from, latest)
  }
  if (from === latest) {
    // Nothing to migrate: the grants are applied again all the same (idempotent), so a restored
    // database (pg_dump keeps table grants, not the database-level REVOKE of TEMP) or a second
    // application role is put right by the same command.
    await client.query('BEGIN')
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
      await client.query(appGrantsSql(opts.appRole))
      await client.query('COMMIT')
    } catch (e) {
      await client.query('ROLLBACK')
      throw e
    }
  }
  return { from, to: Math.max(from, latest) }
}
