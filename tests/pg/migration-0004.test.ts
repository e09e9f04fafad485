// PostgreSQL 0004 (the capture of the rows each write transaction touches, for its journal entry):
// on a ledger at version 3, every journaled table gets the trigger (and no other table), and a
// transaction of the application role finds its own notes, in order, with keys in the journal's
// canonical encoding; a rolled-back savepoint's notes are gone, another transaction's are not seen.
import { afterAll, describe, expect, it } from 'vitest'
import { NOT_JOURNALED } from '../../db/journal'
import { migratePg, pgSchemaVersion } from '../../db/pg/migrate'
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS } from '../../db/pg/migrations'
import { SERVER_ONLY_TABLES } from '../../db/pg/serverOnly'
import { CAPTURED_TABLES } from '../../db/pg/migrations/0004_ledger_pending'
import { createTestLedger, type TestLedger } from '../helpers/pg'

let l: TestLedger
afterAll(async () => l?.drop())

const AT = '2026-11-20T05:00:00.000Z'

describe('PostgreSQL migration 0004', () => {
  it('captures every journaled table, and each transaction reads its own notes in order', async () => {
    l = await createTestLedger()
    const o = await l.owner()
    try {
      await migratePg(o, { appRole: l.appRole, migrations: PG_MIGRATIONS.filter((m) => m.version <= 3) })
      await o.query(`INSERT INTO branches (code, name) VALUES ('001', '本店営業部')`)
      expect(await migratePg(o, { appRole: l.appRole, backupTaken: true })).toEqual({ from: 3, to: PG_LATEST_SCHEMA_VERSION })
      expect(await pgSchemaVersion(o)).toBe(PG_LATEST_SCHEMA_VERSION)
      const tables = (await o.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((r) => r.t)
      const withTrigger = (
        await o.query<{ t: string }>(`SELECT c.relname AS t FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.tgname = 'ledger_capture' ORDER BY 1`)
      ).rows.map((r) => r.t)
      // Journaled as on SQLite: every table but the journal's own and the server-only ones.
      expect(withTrigger).toEqual(tables.filter((t) => !NOT_JOURNALED.has(t) && !(t in SERVER_ONLY_TABLES)))
      expect(withTrigger).toContain('receipt_counters')
      // Each trigger notes the table's primary key, in key order (a wrong column notes NULL and the
      // write fails: otp_request_versions is keyed by (request_id, seq), not an id).
      const keys = (
        await o.query<{ t: string; cols: string[] }>(
          `SELECT c.relname AS t, array_agg(a.attname::text ORDER BY k.i) AS cols
             FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid
             CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, i)
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE x.indisprimary GROUP BY c.relname`,
        )
      ).rows
      for (const t of CAPTURED_TABLES) expect([t.table, t.key]).toEqual([t.table, keys.find((k) => k.t === t.table)?.cols])
    } finally {
      await o.end()
    }

    const app = await l.app()
    const other = await l.app()
    try {
      await app.query('BEGIN')
      await app.query(`INSERT INTO branches (code, name) VALUES ('002', '駅前支店')`)
      await app.query(`INSERT INTO settings (key, value) VALUES ('a', '1'), ('b"\\', '2')`)
      await app.query(`UPDATE branches SET name = name || '（新）'`)
      await app.query(`INSERT INTO receipt_counters VALUES ('001', '2026-11-20', 1) ON CONFLICT (branch_code, business_date) DO UPDATE SET last_seq = receipt_counters.last_seq + 1`)
      await app.query(`INSERT INTO receipt_counters VALUES ('001', '2026-11-20', 1) ON CONFLICT (branch_code, business_date) DO UPDATE SET last_seq = receipt_counters.last_seq + 1`)
      await app.query('SAVEPOINT s')
      await app.query(`INSERT INTO audit_log (at, action, outcome) VALUES ($1, 'x', 'ok')`, [AT])
      await app.query('ROLLBACK TO s')
      await app.query(`UPDATE settings SET key = 'c' WHERE key = 'a'`)
      // The other terminal's transaction, at the same time, sees none of them and notes its own.
      await other.query('BEGIN')
      await other.query(`INSERT INTO settings (key, value) VALUES ('z', '9')`)
      expect((await other.query('SELECT tbl, row_key FROM ledger_pending WHERE txid = txid_current() ORDER BY seq')).rows).toEqual([{ tbl: 'settings', row_key: 'z' }])
      await other.query('ROLLBACK')

      const notes = (await app.query('SELECT tbl, row_key FROM ledger_pending WHERE txid = txid_current() ORDER BY seq')).rows.map((r) => `${r.tbl} ${r.row_key}`)
      expect(notes).toEqual([
        'branches 2',
        'settings a',
        'settings b"\\',
        'branches 1',
        'branches 2',
        'receipt_counters ["001","2026-11-20"]',
        'receipt_counters ["001","2026-11-20"]',
        'settings a',
        'settings c',
      ])
      expect((await app.query('DELETE FROM ledger_pending WHERE txid = txid_current()')).rowCount).toBe(9)
      await app.query('COMMIT')
      // Nothing of a rolled-back transaction stays.
      expect((await app.query('SELECT count(*)::int AS n FROM ledger_pending')).rows[0].n).toBe(0)
    } finally {
      await app.end()
      await other.end()
    }
  })
})
