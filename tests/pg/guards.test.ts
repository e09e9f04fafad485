// Defence in depth on the PostgreSQL ledger (issue 12): what a terminal's credentials (the
// application role) cannot do, and what the database refuses whoever asks.
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migratePg } from '../../db/pg/migrate'
import { APPEND_ONLY_TABLES, PENDING_TABLES, READ_ONLY_TABLES, READ_WRITE_TABLES } from '../../db/pg/roles'
import { createTestLedger, type TestLedger } from '../helpers/pg'

let l: TestLedger
let owner: pg.Client
let app: pg.Client

const AT = '2026-11-21T01:00:00.000Z'
beforeAll(async () => {
  l = await createTestLedger()
  owner = await l.owner()
  await migratePg(owner, { appRole: l.appRole })
  // One branch, a teller (1), a supervisor (2), a customer (1) and a request received by the teller.
  await owner.query(`
    INSERT INTO branches (code, name) VALUES ('001', '本店');
    INSERT INTO staff (login_id, name, role, branch_id, password_hash, created_at, login_key) VALUES
      ('t1', '窓口 一郎', 'teller', 1, 'x', '${AT}', 't1'), ('s1', '役席 次郎', 'supervisor', 1, 'x', '${AT}', 's1');
    INSERT INTO customers (branch_id, name_kanji, name_kana, kana_key, birth_date, postal_code, address, phone,
      account_branch_code, account_type, account_number, ib_contract_id, otp_status, status_changed_at, created_at, updated_at)
      VALUES (1, '田中 花子', 'タナカ　ハナコ', 'タナカハナコ', '1975-04-01', '010-0001', '秋田市', '018-800-1000',
      '001', 'ordinary', '1000001', '2000000001', 'in_use', '${AT}', '${AT}', '${AT}');
    INSERT INTO otp_requests (receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status, form_json,
      id_document_type, id_checked_by, seal_matched, business_date, received_by, received_at)
      VALUES ('001-20261121-0001', 1, 1, 'suspension', 'pending_review', 'in_use', 'suspended', '{}', 'license', 1, true, '2026-11-21', 1, '${AT}');
    INSERT INTO audit_log (at, action, outcome) VALUES ('${AT}', 'seed', 'ok');
  `)
  app = await l.app()
})
afterAll(async () => {
  await l?.drop()
})

/** The SQLSTATE of the error a statement raises (or 'ok'). */
async function sqlState(c: pg.Client, sql: string, params: unknown[] = []): Promise<string> {
  try {
    await c.query(sql, params)
    return 'ok'
  } catch (e) {
    return (e as { code?: string }).code ?? String(e)
  }
}

/** Runs statements in one transaction on a client; returns the SQLSTATE of the failure, or 'ok'. */
async function inTransaction(c: pg.Client, statements: string[]): Promise<string> {
  await c.query('BEGIN')
  for (const s of statements) {
    const r = await sqlState(c, s)
    if (r !== 'ok') {
      await c.query('ROLLBACK')
      return r
    }
  }
  return sqlState(c, 'COMMIT')
}

const INSUFFICIENT_PRIVILEGE = '42501'
const CHECK_VIOLATION = '23514'
const INTEGRITY_VIOLATION = '23000'

describe('the application role (what a terminal connects as)', () => {
  it('has no DDL: cannot create, alter or drop anything, not even a temporary table', async () => {
    for (const ddl of [
      'CREATE TABLE mine (id int)',
      'CREATE TEMP TABLE mine (id int)',
      'ALTER TABLE customers ADD COLUMN extra text',
      'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update',
      'DROP TRIGGER audit_log_no_delete ON audit_log',
      'DROP TABLE audit_log',
      'DROP INDEX customers_kana_key_idx',
      'CREATE INDEX mine_idx ON customers (phone)',
      'CREATE FUNCTION mine() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
      'TRUNCATE otp_requests',
    ])
      expect([ddl, await sqlState(app, ddl)]).toEqual([ddl, INSUFFICIENT_PRIVILEGE])
  })

  it('has exactly the grants of db/pg/roles.ts on every table: no TRUNCATE anywhere, no DELETE but on the pending scratch (0004)', async () => {
    const r = await owner.query<{ t: string; p: string }>(
      `SELECT c.relname AS t, p.privilege_type AS p FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         CROSS JOIN LATERAL aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) p
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND p.grantee = $1::regrole ORDER BY 1, 2`,
      [l.appRole],
    )
    const got: Record<string, string[]> = {}
    for (const row of r.rows) (got[row.t] ??= []).push(row.p)
    const tables = await owner.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'")
    const want: Record<string, string[]> = {}
    for (const t of READ_WRITE_TABLES) want[t] = ['INSERT', 'SELECT', 'UPDATE']
    for (const t of APPEND_ONLY_TABLES) want[t] = ['INSERT', 'SELECT']
    for (const t of READ_ONLY_TABLES) want[t] = ['SELECT']
    for (const t of PENDING_TABLES) want[t] = ['DELETE', 'INSERT', 'SELECT']
    // Every table is in one of the lists: a table a later migration adds must be classified.
    expect(tables.rows.map((x) => x.t).sort()).toEqual(Object.keys(want).sort())
    expect(got).toEqual(want)
  })

  it('writes the business tables the services write', async () => {
    expect(await sqlState(app, "UPDATE staff SET failed_attempts = failed_attempts + 1 WHERE login_id = 't1'")).toBe('ok')
    expect(await sqlState(app, "INSERT INTO audit_log (at, action, outcome) VALUES ($1, 'login', 'ok')", [AT])).toBe('ok')
    expect(await sqlState(app, "INSERT INTO settings (key, value) VALUES ('k', 'v') ON CONFLICT (key) DO UPDATE SET value = excluded.value")).toBe('ok')
    expect(await sqlState(app, "INSERT INTO receipt_counters VALUES ('001', '2026-11-21', 1) ON CONFLICT (branch_code, business_date) DO UPDATE SET last_seq = receipt_counters.last_seq + 1")).toBe('ok')
  })

  it('cannot UPDATE or DELETE audit rows or journal rows, nor delete business rows', async () => {
    for (const s of [
      "UPDATE audit_log SET outcome = 'ok'",
      'DELETE FROM audit_log',
      "UPDATE ledger_journal SET action = 'x'",
      'DELETE FROM ledger_journal',
      "UPDATE ledger_journal_rows SET row_json = 'x'",
      'DELETE FROM ledger_journal_rows',
      "UPDATE otp_history SET note = 'x'",
      'DELETE FROM otp_requests',
      'DELETE FROM customers',
      "UPDATE schema_version SET name = 'x'",
    ])
      expect([s, await sqlState(app, s)]).toEqual([s, INSUFFICIENT_PRIVILEGE])
  })
})

describe('what the database refuses whoever asks', () => {
  it('audit_log and the journal are append-only even for the owner role', async () => {
    await owner.query("INSERT INTO ledger_journal_rows VALUES (1, 1, 'branches', '1', '[1]')")
    for (const t of ['audit_log', 'ledger_journal_rows']) {
      await expect(owner.query(`UPDATE ${t} SET ${t === 'audit_log' ? 'action' : 'tbl'} = 'rewritten'`)).rejects.toThrow(new RegExp(`${t} is append-only \\(UPDATE refused\\)`))
      await expect(owner.query(`DELETE FROM ${t}`)).rejects.toThrow(/append-only \(DELETE refused\)/)
      await expect(owner.query(`TRUNCATE ${t}`)).rejects.toThrow(/append-only \(TRUNCATE refused\)/)
    }
    const n = await owner.query('SELECT count(*)::int AS n FROM audit_log')
    expect(n.rows[0].n).toBeGreaterThan(0)
  })

  it('refuses an approval by the request receiver (四眼), made directly with the application role', async () => {
    const self = "UPDATE otp_requests SET state = 'approved', reviewed_by = received_by, reviewed_at = '2026-11-21T02:00:00Z' WHERE id = 1"
    expect(await sqlState(app, self)).toBe(CHECK_VIOLATION)
    // A taker never approves either.
    expect(await sqlState(app, "UPDATE otp_requests SET taken_over_by = 2, reviewed_by = 2, state = 'approved' WHERE id = 1")).toBe(CHECK_VIOLATION)
    const r = await app.query('SELECT state, reviewed_by FROM otp_requests WHERE id = 1')
    expect(r.rows[0]).toEqual({ state: 'pending_review', reviewed_by: null })
    // Another staff member may.
    expect(await sqlState(app, "UPDATE otp_requests SET state = 'approved', reviewed_by = 2, reviewed_at = '2026-11-21T02:00:00Z', version = version + 1 WHERE id = 1")).toBe('ok')
  })

  it('refuses at COMMIT a change of otp_status without its otp_history row in the same transaction', async () => {
    const change = "UPDATE customers SET otp_status = 'suspended', version = version + 1 WHERE id = 1"
    const historyRow = (to: string) =>
      `INSERT INTO otp_history (customer_id, at, kind, request_id, from_status, to_status, actor_id) VALUES (1, '${AT}', 'request_approved', 1, 'in_use', '${to}', 2)`
    const status = async () => (await app.query('SELECT otp_status FROM customers WHERE id = 1')).rows[0].otp_status

    // Without history: the UPDATE itself passes, the COMMIT is refused, nothing stays.
    await app.query('BEGIN')
    expect(await sqlState(app, change)).toBe('ok')
    expect(await sqlState(app, 'COMMIT')).toBe(INTEGRITY_VIOLATION)
    expect(await status()).toBe('in_use')
    // A history row for another status does not count.
    expect(await inTransaction(app, [change, historyRow('blocked')])).toBe(INTEGRITY_VIOLATION)
    expect(await status()).toBe('in_use')
    // With its row (written after the UPDATE, as the services do): accepted.
    expect(await inTransaction(app, [change, historyRow('suspended')])).toBe('ok')
    expect(await status()).toBe('suspended')
    // Back and forth: a row written by an earlier transaction does not count for a new change.
    expect(await inTransaction(app, ["UPDATE customers SET otp_status = 'in_use' WHERE id = 1", historyRow('in_use')])).toBe('ok')
    expect(await inTransaction(app, [change])).toBe(INTEGRITY_VIOLATION)
    expect(await status()).toBe('in_use')
    // The row written inside a savepoint (a nested transaction) counts; one rolled back does not.
    expect(await inTransaction(app, [change, 'SAVEPOINT s', historyRow('suspended'), 'RELEASE SAVEPOINT s'])).toBe('ok')
    expect(await inTransaction(app, ["UPDATE customers SET otp_status = 'in_use' WHERE id = 1", 'SAVEPOINT s', historyRow('in_use'), 'ROLLBACK TO SAVEPOINT s'])).toBe(
      INTEGRITY_VIOLATION,
    )
    expect(await status()).toBe('suspended')
    // Other columns change freely.
    expect(await sqlState(app, "UPDATE customers SET phone = '018-800-2000' WHERE id = 1")).toBe('ok')
  })
})

describe('the journal has one order', () => {
  const entry = (id: number, prev: string) =>
    `INSERT INTO ledger_journal (id, at, action, outcome, origin, row_count, prev_hash, hash) VALUES (${id}, '${AT}', 'test', 'ok', 'command', 0, '${prev}', '${String(id).repeat(64).slice(0, 64)}')`
  const ZERO = '0'.repeat(64)

  it('each entry follows the head: the next id, the head hash as prev_hash', async () => {
    expect((await app.query('SELECT * FROM ledger_journal_head()')).rows[0]).toEqual({ id: '0', hash: ZERO })
    expect(await sqlState(app, entry(2, ZERO))).toBe(INTEGRITY_VIOLATION) // a gap
    expect(await sqlState(app, entry(1, 'f'.repeat(64)))).toBe(INTEGRITY_VIOLATION) // a fork
    expect(await sqlState(app, entry(1, ZERO))).toBe('ok')
    expect((await app.query('SELECT * FROM ledger_journal_head()')).rows[0]).toEqual({ id: '1', hash: '1'.repeat(64) })
  })

  it('two terminals append one after the other: the second waits for the first to commit', async () => {
    const other = await l.app()
    const head = async (c: pg.Client) => (await c.query<{ id: string; hash: string }>('SELECT * FROM ledger_journal_head()')).rows[0]!
    await app.query('BEGIN')
    const first = await head(app)
    await other.query('BEGIN')
    let secondSaw: { id: string; hash: string } | null = null
    const second = head(other).then((h) => (secondSaw = h))
    await new Promise((r) => setTimeout(r, 300))
    expect(secondSaw).toBeNull() // waiting on the first terminal's append
    await app.query(entry(Number(first.id) + 1, first.hash))
    await app.query('COMMIT')
    await second
    expect(secondSaw!.id).toBe(String(Number(first.id) + 1))
    await other.query(entry(Number(secondSaw!.id) + 1, secondSaw!.hash))
    await other.query('COMMIT')
    const ids = await app.query<{ id: string }>('SELECT id FROM ledger_journal ORDER BY id')
    expect(ids.rows.map((r) => Number(r.id))).toEqual([1, 2, 3])
  })
})
