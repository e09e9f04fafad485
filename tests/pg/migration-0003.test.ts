// PostgreSQL 0003 (the mirror of SQLite 0014 and 0015) on a ledger at version 2 with staff in it:
// a head-office member can be registered afterwards (and an unknown role still cannot), the queue's
// index is there, and the application role may insert and read a submission key but never change it.
import { afterAll, describe, expect, it } from 'vitest'
import { migratePg, pgSchemaVersion } from '../../db/pg/migrate'
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS } from '../../db/pg/migrations'
import { createTestLedger, type TestLedger } from '../helpers/pg'

let l: TestLedger
afterAll(async () => l?.drop())

describe('PostgreSQL migration 0003', () => {
  it('widens staff.role to head_office, adds the branch queue index and request_submissions (insert-only for terminals)', async () => {
    l = await createTestLedger()
    const o = await l.owner()
    try {
      await migratePg(o, { appRole: l.appRole, migrations: PG_MIGRATIONS.filter((m) => m.version <= 2) })
      expect(await pgSchemaVersion(o)).toBe(2)
      await o.query(`INSERT INTO branches (code, name) VALUES ('001', '本店営業部')`)
      await o.query(`INSERT INTO staff (login_id, name, role, branch_id, password_hash, created_at, login_key) VALUES ('teller1', '窓口 一郎', 'teller', 1, 'x', 'x', 'teller1')`)
      await expect(
        o.query(`INSERT INTO staff (login_id, name, role, branch_id, password_hash, created_at, login_key) VALUES ('honbu1', '本部 一郎', 'head_office', 1, 'x', 'now', 'honbu1')`),
      ).rejects.toThrow(/staff_role_check/)

      expect(await migratePg(o, { appRole: l.appRole, backupTaken: true })).toEqual({ from: 2, to: PG_LATEST_SCHEMA_VERSION })
      await o.query(`INSERT INTO staff (login_id, name, role, branch_id, password_hash, created_at, login_key) VALUES ('honbu1', '本部 一郎', 'head_office', 1, 'x', 'now', 'honbu1')`)
      await expect(
        o.query(`INSERT INTO staff (login_id, name, role, branch_id, password_hash, created_at, login_key) VALUES ('x1', 'x', 'auditor', 1, 'x', 'now', 'x1')`),
      ).rejects.toThrow(/staff_role_check/)
      const idx = (await o.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'otp_requests_state_branch_idx'`)).rows[0]
      expect(idx?.indexdef).toMatch(/\(state, branch_id, received_at\)/)
    } finally {
      await o.end()
    }

    const app = await l.app()
    try {
      const privileges = (
        await app.query(`SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) p WHERE has_table_privilege(current_user, 'request_submissions', p) ORDER BY 1`)
      ).rows.map((r) => r.p)
      expect(privileges).toEqual(['INSERT', 'SELECT'])
    } finally {
      await app.end()
    }
  })
})
