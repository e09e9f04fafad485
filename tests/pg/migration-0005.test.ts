// PostgreSQL 0005 (the given-name indexes in SQLite's order, key then id) on a ledger at version 4
// with customers in it: the indexes keep their names, end in id, and serve a screen of a given-name
// search in (key, id) order without sorting.
import { afterAll, describe, expect, it } from 'vitest'
import { migratePg, pgSchemaVersion } from '../../db/pg/migrate'
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS } from '../../db/pg/migrations'
import { createTestLedger, type TestLedger } from '../helpers/pg'

let l: TestLedger
afterAll(async () => l?.drop())

describe('PostgreSQL migration 0005', () => {
  it('rebuilds the given-name indexes as (key, id), and a given-name screen needs no sort', async () => {
    l = await createTestLedger()
    const o = await l.owner()
    try {
      await migratePg(o, { appRole: l.appRole, migrations: PG_MIGRATIONS.filter((m) => m.version <= 4) })
      expect(await pgSchemaVersion(o)).toBe(4)
      await o.query(`INSERT INTO branches (code, name) VALUES ('001', '本店営業部')`)
      await o.query(`
        INSERT INTO customers (branch_id, name_kanji, name_kana, kana_key, birth_date, postal_code, address, phone, account_branch_code,
                               account_type, account_number, ib_contract_id, otp_status, status_changed_at, created_at, updated_at,
                               name_key, given_name_key, given_kana_key)
        SELECT 1, '田中 花子', 'タナカ ハナコ', 'タナカハナコ', '1980-01-01', '100-0001', '東京都', '03-0000-0000', '001',
               'ordinary', lpad(g::text, 7, '0'), lpad(g::text, 10, '0'), 'in_use', 'x', 'x', 'x', '田中花子', '花子', 'ハナコ'
          FROM generate_series(1, 50) g`)
      expect(await migratePg(o, { appRole: l.appRole, backupTaken: true })).toEqual({ from: 4, to: PG_LATEST_SCHEMA_VERSION })
      expect(await pgSchemaVersion(o)).toBe(PG_LATEST_SCHEMA_VERSION)
      const defs = (await o.query<{ d: string }>(`SELECT indexdef AS d FROM pg_indexes WHERE indexname LIKE 'customers_given_%' ORDER BY indexname`)).rows.map((r) => r.d)
      expect(defs).toEqual([
        expect.stringMatching(/customers_given_kana_key_idx ON public\.customers USING btree \(given_kana_key, id\)$/),
        expect.stringMatching(/customers_given_name_key_idx ON public\.customers USING btree \(given_name_key, id\)$/),
      ])
      await o.query('ANALYZE customers')
      await o.query('SET enable_seqscan = off')
      await o.query('SET enable_sort = off')
      const plan = (
        await o.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT id FROM customers WHERE given_kana_key >= 'ハナ' AND given_kana_key < 'ハナ\uFFFF' ORDER BY given_kana_key, id LIMIT 10`,
        )
      ).rows.map((r) => r['QUERY PLAN']).join('\n')
      expect(plan).toContain('customers_given_kana_key_idx')
      expect(plan).not.toMatch(/Sort/)
    } finally {
      await o.end()
    }
  })
})
