import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import { afterEach, describe, expect, it } from 'vitest'
import { backupLedger, migrate, schemaVersion } from '../../db/migrate'
import { MIGRATIONS, LATEST_SCHEMA_VERSION } from '../../db/migrations'
import { openSqlite, type Sqlite } from '../../db/open'
import * as schema from '../../db/schema'
import { describeReport, verifyLedger } from '../../db/verify'
import { openApp } from '../../electron/main/ledger'
import { tempDir } from '../helpers/app'

const open: Sqlite[] = []
function fresh(): { dir: string; file: string; db: Sqlite } {
  const dir = tempDir()
  const file = path.join(dir, 'ledger.sqlite')
  const db = openSqlite(file)
  open.push(db)
  return { dir, file, db }
}
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close()
})

/** One branch, one teller (id 1), one supervisor (id 2) and one customer (id 1), in raw SQL, for
 * migration tests on ledgers of an older version. */
function seedOldLedger(db: Sqlite): void {
  db.exec(`
    INSERT INTO branches(code, name) VALUES ('001', '本店');
    INSERT INTO staff(login_id, name, role, branch_id, password_hash, created_at) VALUES ('t1', '窓口 一郎', 'teller', 1, 'x', 'x');
    INSERT INTO staff(login_id, name, role, branch_id, password_hash, created_at) VALUES ('s1', '役席 次郎', 'supervisor', 1, 'x', 'x');
    INSERT INTO customers(branch_id, name_kanji, name_kana, kana_key, birth_date, postal_code, address, phone,
      account_branch_code, account_type, account_number, ib_contract_id, status_changed_at, created_at, updated_at)
      VALUES (1, '田中 花子', 'タナカ　ハナコ', 'タナカハナコ', '1975-04-01', '010-0001', '秋田市', '018-800-1000',
      '001', 'ordinary', '1000001', '2000000001', 'x', 'x', 'x');
  `)
}

describe('migrations', () => {
  it('0001 creates the ledger from nothing, without a backup of an empty file', () => {
    const { dir, db } = fresh()
    const r = migrate(db, { backupDir: path.join(dir, 'backups') })
    expect(r).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION, backupFile: null })
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION)
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as { name: string }[]).map((t) => t.name)
    expect(tables).toEqual(expect.arrayContaining(['audit_log', 'branches', 'customers', 'otp_history', 'otp_requests', 'staff']))
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false)
  })

  it('runs again as a no-op', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups') })
    expect(migrate(db, { backupDir: path.join(dir, 'backups') })).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, backupFile: null })
  })

  it('backs the file up before upgrading an existing ledger, and the backup holds the old data', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups') })
    db.prepare("INSERT INTO settings(key, value) VALUES ('marker', 'before-v2')").run()
    const L = LATEST_SCHEMA_VERSION
    const next = [...MIGRATIONS, { version: L + 1, name: 'test', sql: 'ALTER TABLE settings ADD COLUMN note TEXT;' }]
    const r = migrate(db, { backupDir: path.join(dir, 'backups'), migrations: next })
    expect(r.from).toBe(L)
    expect(r.to).toBe(L + 1)
    expect(r.backupFile).toMatch(new RegExp(`ledger-v${L}-\\d{8}T\\d{9}Z\\.sqlite$`))
    const backup = openSqlite(r.backupFile!, { readonly: true })
    open.push(backup)
    expect(schemaVersion(backup)).toBe(L)
    expect(backup.prepare("SELECT value FROM settings WHERE key='marker'").get()).toEqual({ value: 'before-v2' })
  })

  it('a failing migration leaves the ledger at the previous version', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups') })
    const bad = [...MIGRATIONS, { version: LATEST_SCHEMA_VERSION + 1, name: 'bad', sql: 'CREATE TABLE x(a); THIS IS NOT SQL;' }]
    expect(() => migrate(db, { backupDir: path.join(dir, 'backups'), migrations: bad })).toThrow()
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION)
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name='x'").get()).toEqual({ n: 0 })
  })

  it('refuses a ledger written by a newer app, in Japanese, and leaves it untouched', async () => {
    const { dir, file, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups') })
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`)
    db.pragma('journal_mode = DELETE') // as a newer app might leave it: opening must not switch it to WAL
    db.close()
    const before = fs.readFileSync(file)
    await expect(openApp({ dataDir: dir, demo: false, transport: 'ipc', version: 't' })).rejects.toMatchObject({
      code: 'DATABASE_TOO_NEW',
      message: expect.stringContaining('アプリを更新してください'),
    })
    expect(fs.readFileSync(file).equals(before)).toBe(true)
  })

  it('0002 upgrades a v1 ledger in use: history rows kept, the new history kinds and columns accepted', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.slice(0, 1) })
    db.exec(`
      INSERT INTO branches(code, name) VALUES ('001', '本店');
      INSERT INTO customers(branch_id, name_kanji, name_kana, kana_key, birth_date, postal_code, address, phone,
        account_branch_code, account_type, account_number, ib_contract_id, status_changed_at, created_at, updated_at)
        VALUES (1, '田中 花子', 'タナカ　ハナコ', 'タナカハナコ', '1975-04-01', '010-0001', '秋田市', '018-800-1000',
        '001', 'ordinary', '1000001', '2000000001', 'x', 'x', 'x');
      INSERT INTO otp_history(customer_id, at, kind, to_status, note) VALUES (1, '2026-01-01T00:00:00Z', 'event', 'in_use', 'old row');
    `)
    const r = migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.slice(0, 2) })
    expect(r).toMatchObject({ from: 1, to: 2 })
    expect(r.backupFile).not.toBeNull()
    expect(db.prepare('SELECT kind, to_status, note FROM otp_history').all()).toEqual([{ kind: 'event', to_status: 'in_use', note: 'old row' }])
    db.prepare("INSERT INTO otp_history(customer_id, at, kind, event_kind, event_source, occurred_on) VALUES (1, 'x', 'event', 'blocked', 'centre', '2026-11-20')").run()
    db.prepare("INSERT INTO otp_history(customer_id, at, kind, note) VALUES (1, 'x', 'request_returned', '印影相違')").run()
    expect(() => db.prepare("INSERT INTO otp_history(customer_id, at, kind) VALUES (1, 'x', 'nonsense')").run()).toThrow(/CHECK/)
    expect(db.prepare("SELECT name FROM pragma_table_info('otp_requests') WHERE name = 'withdraw_reason'").get()).toEqual({ name: 'withdraw_reason' })
    expect(db.pragma('foreign_key_check')).toEqual([])
  })

  it('0004 keeps the prints of a v3 ledger and accepts the daily journal, one print target per row', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.slice(0, 3) })
    seedOldLedger(db)
    db.exec(`
      INSERT INTO otp_requests(receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status, form_json,
        id_document_type, id_checked_by, seal_matched, business_date, received_by, received_at)
        VALUES ('001-20261120-0001', 1, 1, 'suspension', 'pending_review', 'in_use', 'suspended', '{}', 'drivers_license', 1, 1,
        '2026-11-20', 1, '2026-11-20T01:00:00Z');
      INSERT INTO printed_forms(request_id, form_kind, printed_at, printed_by, reprint, sha256, file_path)
        VALUES (1, 'customer_receipt', '2026-11-20T01:01:00Z', 1, 0, 'abc', 'forms/2026/11/a.pdf');
    `)
    const r = migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.slice(0, 4) })
    expect(r).toMatchObject({ from: 3, to: 4 })
    expect(r.backupFile).not.toBeNull()
    expect(db.prepare('SELECT request_id, branch_id, business_date, form_kind, sha256 FROM printed_forms').all()).toEqual([
      { request_id: 1, branch_id: null, business_date: null, form_kind: 'customer_receipt', sha256: 'abc' },
    ])
    const insert = db.prepare(
      "INSERT INTO printed_forms(request_id, branch_id, business_date, form_kind, printed_at, printed_by, reprint, sha256, file_path) VALUES (?, ?, ?, ?, 'x', 1, 0, 'h', 'f')",
    )
    insert.run(null, 1, '2026-11-20', 'daily_journal')
    insert.run(1, null, null, 'handling_record')
    // A journal without its date, a request form without its request, a form nobody knows: refused.
    expect(() => insert.run(null, 1, null, 'daily_journal')).toThrow(/CHECK/)
    expect(() => insert.run(null, null, null, 'completion_notice')).toThrow(/CHECK/)
    expect(() => insert.run(1, 1, '2026-11-20', 'daily_journal')).toThrow(/CHECK/)
    expect(() => insert.run(1, null, null, 'flyer')).toThrow(/CHECK/)
    expect(db.pragma('foreign_key_check')).toEqual([])
  })

  it('0005 keeps the repeat an unlock was approved with; unlocks approved without one get no facts', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.slice(0, 4) })
    seedOldLedger(db)
    db.prepare("INSERT INTO settings(key, value) VALUES ('unlock_repeat_days', '20')").run()
    const unlock = db.prepare(`INSERT INTO otp_requests(receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status,
      form_json, id_document_type, id_checked_by, seal_matched, business_date, received_by, received_at, reviewed_by, reviewed_at,
      repeat_unlock_acknowledged) VALUES (?, 1, 1, 'unlock', ?, 'blocked', 'in_use', '{}', 'drivers_license', 1, 1, ?, 1, ?, 2, ?, ?)`)
    const at = (day: number) => new Date(Date.UTC(2026, 9, 1 + day, 1)).toISOString()
    // Day 0: no repeat. Day 10: a repeat within 20 days, acknowledged. Day 50: acknowledged when the
    // period was longer than today's 20 days (day 10 is 40 days before). Day 55: returned, not approved.
    unlock.run('001-20261001-0001', 'approved', '2026-10-01', at(0), at(0), null)
    unlock.run('001-20261011-0001', 'approved', '2026-10-11', at(10), at(10), 1)
    unlock.run('001-20261120-0001', 'approved', '2026-11-20', at(50), at(50), 1)
    unlock.run('001-20261125-0001', 'returned', '2026-11-25', at(55), at(55), null)
    migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.slice(0, 5) })
    expect(
      db.prepare('SELECT repeat_unlock_acknowledged AS ack, repeat_unlock_count AS n, repeat_unlock_days AS d, repeat_unlock_last_at AS last FROM otp_requests ORDER BY id').all(),
    ).toEqual([
      { ack: null, n: null, d: null, last: null },
      { ack: 1, n: 1, d: 20, last: at(0) },
      { ack: 1, n: 1, d: 40, last: at(10) },
      { ack: null, n: null, d: null, last: null },
    ])
  })

  it('0006 indexes a v5 ledger in use for the counter screens, and its rows stay', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.slice(0, 5) })
    seedOldLedger(db)
    db.exec(`INSERT INTO otp_requests(receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status, form_json,
      id_document_type, id_checked_by, seal_matched, business_date, received_by, received_at)
      VALUES ('001-20261120-0001', 1, 1, 'suspension', 'pending_review', 'in_use', 'suspended', '{}', 'drivers_license', 1, 1, '2026-11-20', 1, 'x');
      INSERT INTO otp_history(customer_id, at, kind, request_id) VALUES (1, 'x', 'request_received', 1);`)
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' / ')
    const journal = "SELECT id FROM otp_requests WHERE branch_id = 1 AND business_date = '2026-11-20' ORDER BY received_at"
    const trail = 'SELECT count(*) FROM otp_history WHERE request_id = 1'
    const account = "SELECT id FROM customers WHERE account_branch_code = '001' AND account_number = '1000001'"
    expect(plan(journal)).toMatch(/SCAN otp_requests/)
    expect(plan(trail)).toMatch(/SCAN otp_history/)

    migrate(db, { backupDir: path.join(dir, 'backups') })
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION)
    expect(plan(journal)).toBe('SEARCH otp_requests USING COVERING INDEX otp_requests_journal_idx (branch_id=? AND business_date=?)')
    expect(plan(trail)).toBe('SEARCH otp_history USING COVERING INDEX otp_history_request_idx (request_id=?)')
    expect(plan(account)).toMatch(/^SEARCH customers USING (COVERING )?INDEX customers_account_number_idx \(account_branch_code=\? AND account_number=\?\)$/)
    expect(plan("SELECT id FROM audit_log WHERE outcome = 'refused' AND at >= 'a' AND at < 'b' ORDER BY at")).toMatch(/audit_log_outcome_idx/)
    expect(db.prepare('SELECT count(*) AS n FROM otp_history WHERE request_id = 1').get()).toEqual({ n: 1 })
    expect(db.prepare('SELECT receipt_no FROM otp_requests').all()).toEqual([{ receipt_no: '001-20261120-0001' }])
  })

  it('0007 keeps every customer open (closed_on NULL) and adds the period and event indexes', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.filter((m) => m.version <= 5) })
    seedOldLedger(db)
    db.exec(`INSERT INTO otp_history(customer_id, at, kind, from_status, to_status, actor_id, event_kind, event_source, occurred_on)
      VALUES (1, '2026-11-01T00:00:00Z', 'event', 'awaiting_issue', 'token_issued', 1, 'token_issued', 'centre', '2026-11-01')`)
    const history = db.prepare('SELECT * FROM otp_history').all()
    expect(() => db.prepare("UPDATE otp_history SET event_source = 'centre_feed'").run()).toThrow(/CHECK/)
    const r = migrate(db, { backupDir: path.join(dir, 'backups') })
    expect(r).toMatchObject({ from: 5, to: LATEST_SCHEMA_VERSION })
    // History kept row for row; the centre's list may now be named as the source.
    expect(db.prepare('SELECT * FROM otp_history').all()).toEqual(history)
    db.prepare("UPDATE otp_history SET event_source = 'centre_feed'").run()
    expect(() => db.prepare("UPDATE otp_history SET event_source = 'rumour'").run()).toThrow(/CHECK/)
    expect(db.prepare('SELECT closed_on, name_kanji FROM customers').all()).toEqual([{ closed_on: null, name_kanji: '田中 花子' }])
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map((i) => i.name)
    expect(indexes).toEqual(
      expect.arrayContaining(['otp_requests_business_date_idx', 'otp_history_event_idx', 'otp_history_customer_idx', 'otp_history_request_idx']),
    )
    const plan = db
      // A period over every branch (the head office's figures): 0006's journal index leads with the branch.
      .prepare("EXPLAIN QUERY PLAN SELECT kind, count(*) FROM otp_requests WHERE business_date BETWEEN '2026-01-01' AND '2026-12-31' GROUP BY kind")
      .all() as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toContain('otp_requests_business_date_idx')
  })

  it('0008 rebuilds otp_requests with its rows and references, accepts superseded, and keeps old fraud refusals for the journal', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.filter((m) => m.version <= 7) })
    seedOldLedger(db)
    db.exec(`INSERT INTO otp_requests(receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status, form_json,
      id_document_type, id_checked_by, seal_matched, business_date, received_by, received_at, reviewed_by, reviewed_at, withdraw_reason)
      VALUES ('001-20261120-0001', 1, 1, 'cancellation', 'withdrawn', 'in_use', 'cancelled', '{}', 'drivers_license', 1, 1, '2026-11-20', 1, '2026-11-20T01:00:00Z', NULL, NULL, '重複');
      INSERT INTO otp_history(customer_id, at, kind, request_id) VALUES (1, 'x', 'request_received', 1);
      INSERT INTO printed_forms(request_id, form_kind, printed_at, printed_by, reprint, sha256, file_path) VALUES (1, 'handling_record', 'x', 1, 0, 'h', 'f');
      INSERT INTO audit_log(at, actor_id, actor_login_id, action, outcome, target, detail_json)
        VALUES ('2026-11-20T15:30:00.000Z', 1, 't1', 'requests.receiveUnlock', 'refused', 'customer:1', '{"reason":"FRAUD_SUSPECTED"}');`)
    const requests = db.prepare('SELECT * FROM otp_requests').all() as Record<string, unknown>[]
    expect(() => db.prepare("UPDATE otp_requests SET state = 'superseded'").run()).toThrow(/CHECK/)
    expect(() => db.prepare("INSERT INTO otp_history(customer_id, at, kind) VALUES (1, 'x', 'unlock_refused')").run()).toThrow(/CHECK/)

    const r = migrate(db, { backupDir: path.join(dir, 'backups') })
    expect(r).toMatchObject({ from: 7, to: LATEST_SCHEMA_VERSION })
    // Rows kept column for column, the new columns empty; references intact; foreign keys on again.
    expect(db.prepare('SELECT * FROM otp_requests').all()).toEqual(
      requests.map((q) => ({ ...q, urgent: 0, taken_over_by: null, taken_over_at: null, closed_by: null, closed_at: null, superseded_by: null })),
    )
    expect(db.pragma('foreign_key_check')).toEqual([])
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(() => db.prepare("INSERT INTO otp_history(customer_id, at, kind, request_id) VALUES (1, 'x', 'request_received', 999)").run()).toThrow(/FOREIGN KEY/)
    // The new state needs the request that superseded it.
    expect(() => db.prepare("UPDATE otp_requests SET state = 'superseded'").run()).toThrow(/CHECK/)
    db.exec(`INSERT INTO otp_requests(receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status, form_json,
      id_document_type, id_checked_by, seal_matched, business_date, received_by, received_at, urgent)
      VALUES ('001-20261121-0001', 1, 1, 'suspension', 'pending_review', 'in_use', 'suspended', '{}', 'drivers_license', 1, 1, '2026-11-21', 1, 'y', 1)`)
    db.prepare("UPDATE otp_requests SET state = 'superseded', superseded_by = 2 WHERE id = 1").run()
    db.prepare("INSERT INTO otp_history(customer_id, at, kind) VALUES (1, 'x', 'unlock_refused')").run()
    // Whoever took a request over may not check it (four eyes, in the database too).
    expect(() => db.prepare('UPDATE otp_requests SET taken_over_by = 2, reviewed_by = 2 WHERE id = 2').run()).toThrow(/CHECK/)
    // The refusal an older app only audited is in counter_refusals, on its Japan business date.
    expect(db.prepare('SELECT branch_id, business_date, customer_id, staff_id, kind, reason FROM counter_refusals').all()).toEqual([
      { branch_id: 1, business_date: '2026-11-21', customer_id: 1, staff_id: 1, kind: 'unlock', reason: 'fraud_suspected' },
    ])
    const plan = (q: string) => (db.prepare(`EXPLAIN QUERY PLAN ${q}`).all() as { detail: string }[]).map((p) => p.detail).join(' / ')
    expect(plan("SELECT id FROM otp_requests WHERE received_by = 1 AND business_date = '2026-11-21' ORDER BY received_at DESC")).toContain('otp_requests_receiver_day_idx')
    expect(plan("SELECT id FROM otp_requests WHERE received_by = 1 AND state = 'superseded' AND closed_at >= 'x'")).toContain('otp_requests_receiver_closed_idx')
    expect(plan("SELECT id FROM counter_refusals WHERE branch_id = 1 AND business_date = '2026-11-21' ORDER BY at")).toContain('counter_refusals_journal_idx')
  })

  it('0009 folds login IDs for uniqueness; of colliding IDs the oldest keeps its ID, later ones are retired on the record', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.filter((m) => m.version <= 7) })
    seedOldLedger(db)
    // Before 0009 these could all exist beside t1: one ID typed in other cases.
    db.exec(`
      INSERT INTO staff(login_id, name, role, branch_id, password_hash, created_at) VALUES ('T1', '窓口 別人', 'teller', 1, 'x', 'x');
      INSERT INTO staff(login_id, name, role, branch_id, password_hash, created_at) VALUES ('Admin', '管理 一郎', 'admin', 1, 'x', 'x');
      INSERT INTO staff(login_id, name, role, branch_id, password_hash, created_at) VALUES ('S1', '役席 別人', 'supervisor', 1, 'x', 'x');
    `)
    expect(db.prepare('SELECT count(*) AS n FROM staff').get()).toEqual({ n: 5 })
    const r = migrate(db, { backupDir: path.join(dir, 'backups') })
    expect(r).toMatchObject({ from: 7, to: LATEST_SCHEMA_VERSION })
    const rows = db.prepare('SELECT id, login_id, login_key, active, retired_at IS NOT NULL AS retired, must_change_password, auth_version FROM staff ORDER BY id').all()
    expect(rows).toEqual([
      { id: 1, login_id: 't1', login_key: 't1', active: 1, retired: 0, must_change_password: 0, auth_version: 1 },
      { id: 2, login_id: 's1', login_key: 's1', active: 1, retired: 0, must_change_password: 0, auth_version: 1 },
      { id: 3, login_id: 'T1', login_key: 't1#3', active: 0, retired: 1, must_change_password: 0, auth_version: 2 },
      { id: 4, login_id: 'Admin', login_key: 'admin', active: 1, retired: 0, must_change_password: 0, auth_version: 1 },
      { id: 5, login_id: 'S1', login_key: 's1#5', active: 0, retired: 1, must_change_password: 0, auth_version: 2 },
    ])
    const audit = db.prepare("SELECT action, target, detail_json FROM audit_log WHERE action = 'staff.retire' ORDER BY id").all() as { target: string; detail_json: string }[]
    expect(audit.map((a) => [a.target, JSON.parse(a.detail_json)])).toEqual([
      ['staff:3', { reason: 'LOGIN_ID_COLLISION', loginId: 'T1', keptStaffId: 1, by: 'migration 0009' }],
      ['staff:5', { reason: 'LOGIN_ID_COLLISION', loginId: 'S1', keptStaffId: 2, by: 'migration 0009' }],
    ])
    expect(() => db.prepare("INSERT INTO staff(login_id, login_key, name, role, branch_id, password_hash, created_at) VALUES ('s1x', 's1', 'x', 'teller', 1, 'x', 'x')").run()).toThrow(/UNIQUE/)
  })

  it('0012 folds the search keys of existing customers and keeps each request form as version 1', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.filter((m) => m.version <= 7) })
    seedOldLedger(db)
    // A name with compatibility ideographs (塚 U+FA10, 神 U+FA19), as the core system sent it.
    db.prepare("UPDATE customers SET name_kanji = ?").run('\uFA10本 \uFA19子')
    db.exec(`INSERT INTO otp_requests(receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status, form_json,
        id_document_type, id_checked_by, seal_matched, business_date, received_by, received_at, reviewed_by, reviewed_at, return_reason)
      VALUES ('001-20261120-0001', 1, 1, 'cancellation', 'returned', 'in_use', 'cancelled', '{"kind":"cancellation"}',
        'health_insurance', 1, 1, '2026-11-20', 1, '2026-11-20T01:00:00Z', 2, '2026-11-20T02:00:00Z', '口座番号を確認してください')`)
    const r = migrate(db, { backupDir: path.join(dir, 'backups') })
    expect(r).toMatchObject({ from: 7, to: LATEST_SCHEMA_VERSION })
    expect(db.prepare('SELECT name_kanji, name_key, given_name_key, given_kana_key FROM customers').get()).toEqual({
      name_kanji: '\uFA10本 \uFA19子', // kept as registered
      name_key: '塚本神子', // folded: U+585A, U+795E
      given_name_key: '神子',
      given_kana_key: 'ハナコ',
    })
    expect(db.prepare('SELECT request_id, seq, form_json, submitted_by, return_reason, returned_by FROM otp_request_versions').all()).toEqual([
      { request_id: 1, seq: 1, form_json: '{"kind":"cancellation"}', submitted_by: 1, return_reason: '口座番号を確認してください', returned_by: 2 },
    ])
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join(' ')
    expect(plan("SELECT id FROM customers WHERE given_kana_key >= 'ハナ' AND given_kana_key < 'ハナ\uFFFF' ORDER BY given_kana_key LIMIT 100")).toContain('customers_given_kana_key_idx')
    expect(plan("SELECT id FROM customers WHERE name_key >= '塚' AND name_key < '塚\uFFFF' ORDER BY name_key LIMIT 100")).toContain('customers_name_key_idx')
  })

  it('0013 chains the rows a v7 ledger holds, marked as chained at upgrade; a row changed afterwards is named', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.filter((m) => m.version <= 7) })
    seedOldLedger(db)
    db.exec(`INSERT INTO settings(key, value) VALUES ('unlock_repeat_days', '30');
      INSERT INTO receipt_counters(branch_code, business_date, last_seq) VALUES ('001', '2026-11-20', 3);
      INSERT INTO audit_log(at, actor_id, actor_login_id, action, outcome) VALUES ('2026-11-20T00:00:00Z', 1, 't1', 'auth.login', 'ok');`)
    const before = ['branches', 'staff', 'customers', 'settings', 'receipt_counters', 'audit_log'].map((t) => db.prepare(`SELECT * FROM ${t}`).all())
    const r = migrate(db, { backupDir: path.join(dir, 'backups'), now: () => new Date('2026-12-01T00:00:00Z') })
    expect(r).toMatchObject({ from: 7, to: LATEST_SCHEMA_VERSION })
    // The rows as they were (0008-0012 only add columns beside them).
    expect(['branches', 'staff', 'customers', 'settings', 'receipt_counters', 'audit_log'].map((t) => db.prepare(`SELECT * FROM ${t}`).all())).toMatchObject(before)
    // One entry per table that has rows (in name order: audit_log ... staff), each marked as made at the upgrade.
    const entries = db.prepare('SELECT id, action, origin, row_count AS rows, at FROM ledger_journal ORDER BY id').all()
    expect(entries).toEqual(
      [1, 1, 1, 1, 1, 2].map((rows, i) => ({ id: i + 1, action: 'ledger.chainAtUpgrade', origin: 'upgrade', rows, at: '2026-12-01T00:00:00.000Z' })),
    )
    // The password hash never enters the journal, only its SHA-256.
    const staffRow = db.prepare("SELECT row_json FROM ledger_journal_rows WHERE tbl = 'staff' AND row_key = '1'").pluck().get() as string
    expect((JSON.parse(staffRow) as unknown[])[5]).toBe(`sha256:${createHash('sha256').update('x').digest('hex')}`)
    const report = verifyLedger(db, { mode: 'full' })
    expect(report).toMatchObject({ ok: true, chainedAtUpgrade: { entries: 6, rows: 7, at: '2026-12-01T00:00:00.000Z' } })
    expect(describeReport(report).join('\n')).toContain('chained at upgrade')
    // The check at start begins after the upgrade's entries.
    expect(db.prepare('SELECT entry_id FROM ledger_verification').pluck().get()).toBe(6)
    // A teller made supervisor behind the app after the upgrade is named with the upgrade's entry.
    db.prepare("UPDATE staff SET role = 'supervisor' WHERE id = 1").run()
    expect(verifyLedger(db, { mode: 'full' }).rows).toMatchObject([{ kind: 'changed', table: 'staff', rowKey: '1', entry: { entryId: 6, action: 'ledger.chainAtUpgrade' } }])
  })

  it('two backups in the same millisecond get two files', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups') })
    const at = new Date('2026-11-21T01:02:03.004Z')
    const a = backupLedger(db, path.join(dir, 'backups'), 'manual', at)
    const b = backupLedger(db, path.join(dir, 'backups'), 'manual', at)
    expect(a).not.toBe(b)
    expect(fs.existsSync(a) && fs.existsSync(b)).toBe(true)
  })

  it('two processes opening a new folder at once create and seed it once', async () => {
    const dir = tempDir()
    const [x, y] = await Promise.all([0, 1].map(() => openApp({ dataDir: dir, demo: true, transport: 'ipc', version: 't' })))
    expect(x!.sqlite!.prepare('SELECT count(*) AS n FROM staff').get()).toEqual({ n: 8 })
    x!.sqlite!.close()
    y!.sqlite!.close()
  })

  it('the drizzle schema and the migrated tables agree, column by column', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups') })
    const tables = (Object.values(schema) as unknown[]).filter(
      (v): v is SQLiteTable => typeof v === 'object' && v !== null && Symbol.for('drizzle:IsDrizzleTable') in v,
    )
    expect(tables.length).toBeGreaterThanOrEqual(9)
    for (const t of tables) {
      const cfg = getTableConfig(t)
      const actual = db.prepare(`PRAGMA table_info(${cfg.name})`).all() as { name: string; notnull: number; pk: number }[]
      expect(actual.map((c) => c.name).sort(), cfg.name).toEqual(cfg.columns.map((c) => c.name).sort())
      for (const col of cfg.columns) {
        const a = actual.find((c) => c.name === col.name)!
        if (!col.primary) expect(!!a.notnull, `${cfg.name}.${col.name} NOT NULL`).toBe(col.notNull)
      }
    }
  })

  it('opens with WAL, foreign keys and full sync', () => {
    const { db } = fresh()
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
  })
})
