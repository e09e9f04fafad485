// 0011 (issue 15): the audit trail of a v7 ledger in use gets its branch, customer and request
// columns filled from what each row already said, keeps every row as it was, stays append-only,
// and the 監査ログ照会 screen's filters are served by the new indexes.
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate, schemaVersion } from '../../db/migrate'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../db/migrations'
import { openSqlite, type Sqlite } from '../../db/open'
import { tempDir } from '../helpers/app'

const open: Sqlite[] = []
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close()
})

describe('migration 0011', () => {
  it('fills branch, customer and request of the existing audit rows, keeps them, and indexes the filters', () => {
    const dir = tempDir()
    const db = openSqlite(path.join(dir, 'ledger.sqlite'))
    open.push(db)
    migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.filter((m) => m.version <= 7) })
    expect(schemaVersion(db)).toBe(7)
    // Two branches; a teller at 001 (id 1) and a supervisor at 002 (id 2); customers 1 and 2.
    db.exec(`
      INSERT INTO branches(code, name) VALUES ('001', '本店'), ('002', '駅前支店');
      INSERT INTO staff(login_id, name, role, branch_id, password_hash, created_at) VALUES ('t1', '窓口 一郎', 'teller', 1, 'x', 'x');
      INSERT INTO staff(login_id, name, role, branch_id, password_hash, created_at) VALUES ('s2', '役席 次郎', 'supervisor', 2, 'x', 'x');
      INSERT INTO customers(branch_id, name_kanji, name_kana, kana_key, birth_date, postal_code, address, phone,
        account_branch_code, account_type, account_number, ib_contract_id, status_changed_at, created_at, updated_at)
        VALUES (1, '田中 花子', 'タナカ　ハナコ', 'タナカハナコ', '1975-04-01', '010-0001', '秋田市', '018-800-1000',
        '001', 'ordinary', '1000001', '2000000001', 'x', 'x', 'x'),
        (2, '佐藤 一', 'サトウ　ハジメ', 'サトウハジメ', '1980-01-01', '010-0001', '秋田市', '018-800-1001',
        '002', 'ordinary', '1000002', '2000000002', 'x', 'x', 'x');
      INSERT INTO otp_requests(receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status, form_json,
        id_document_type, id_checked_by, seal_matched, business_date, received_by, received_at)
        VALUES ('002-20261120-0001', 2, 2, 'suspension', 'pending_review', 'in_use', 'suspended', '{}', 'drivers_license', 2, 1, '2026-11-20', 2, 'x');
      INSERT INTO audit_log(at, actor_id, actor_login_id, action, outcome, target, detail_json) VALUES
        ('2026-11-20T01:00:00.000Z', 1, 't1', 'auth.login', 'ok', 'staff:1', NULL),
        -- a teller of 001 acting on a request of 002 (refused): the row belongs to the request's branch
        ('2026-11-20T01:01:00.000Z', 1, 't1', 'requests.approve', 'refused', 'request:1', '{"reason":"FORBIDDEN_ROLE"}'),
        ('2026-11-20T01:02:00.000Z', 1, 't1', 'events.record', 'ok', 'customer:1', '{"kind":"blocked"}'),
        ('2026-11-20T01:03:00.000Z', 2, 's2', 'forms.print', 'ok', 'journal:002:2026-11-20', '{"formKind":"daily_journal"}'),
        ('2026-11-20T01:04:00.000Z', NULL, 'system', 'backups.create', 'ok', NULL, NULL),
        ('2026-11-20T01:05:00.000Z', NULL, 'nobody', 'auth.login', 'refused', NULL, '{"reason":"LOGIN_FAILED"}');
    `)
    const before = db.prepare('SELECT id, at, actor_id, actor_login_id, action, outcome, target, detail_json FROM audit_log ORDER BY id').all()

    const r = migrate(db, { backupDir: path.join(dir, 'backups') })
    expect(r).toMatchObject({ from: 7, to: LATEST_SCHEMA_VERSION })
    expect(db.prepare('SELECT id, at, actor_id, actor_login_id, action, outcome, target, detail_json FROM audit_log ORDER BY id').all()).toEqual(before)
    expect(db.prepare('SELECT id, branch_id, customer_id, request_id FROM audit_log ORDER BY id').all()).toEqual([
      { id: 1, branch_id: 1, customer_id: null, request_id: null },
      { id: 2, branch_id: 2, customer_id: 2, request_id: 1 },
      { id: 3, branch_id: 1, customer_id: 1, request_id: null },
      { id: 4, branch_id: 2, customer_id: null, request_id: null },
      { id: 5, branch_id: null, customer_id: null, request_id: null },
      { id: 6, branch_id: null, customer_id: null, request_id: null },
    ])
    // Still append-only.
    expect(() => db.prepare('UPDATE audit_log SET branch_id = 1').run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/)

    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join(' / ')
    const newest = "AND at >= '2026-11-01' AND at < '2026-12-01' ORDER BY at DESC, id DESC LIMIT 51"
    expect(plan(`SELECT * FROM audit_log WHERE branch_id = 2 ${newest}`)).toMatch(/^SEARCH audit_log USING INDEX audit_log_branch_idx \(branch_id=\? AND at>\? AND at<\?\)$/)
    expect(plan(`SELECT * FROM audit_log WHERE branch_id = 2 AND action = 'forms.print' ${newest}`)).toMatch(/audit_log_branch_action_idx/)
    expect(plan(`SELECT * FROM audit_log WHERE customer_id = 2 ${newest}`)).toMatch(/audit_log_customer_idx/)
    expect(plan(`SELECT * FROM audit_log WHERE request_id = 1 ${newest}`)).toMatch(/audit_log_request_idx/)
    expect(plan(`SELECT * FROM audit_log WHERE actor_id = 1 ${newest}`)).toMatch(/audit_log_actor_idx/)
    expect(plan(`SELECT * FROM audit_log WHERE action = 'auth.login' ${newest}`)).toMatch(/audit_log_action_idx/)
    for (const q of ['branch_id = 2', 'customer_id = 2', 'request_id = 1', 'actor_id = 1', "action = 'auth.login'"])
      expect(plan(`SELECT * FROM audit_log WHERE ${q} ${newest}`)).not.toMatch(/TEMP B-TREE|SCAN/)
  })
})
