// 0015 (issue 12) on a ledger made at version 13 and in use: staff is rebuilt so its role may be
// 'head_office', with the same rows in the same column order, so the journal verifies in full after
// the upgrade and after this version's commands (a head-office account registered, a reception with
// its key, a refusal across branches, an approval) — by the same check `npm run ledger:verify` runs.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { ledgerTransaction } from '../../db/journal'
import { migrate, schemaVersion } from '../../db/migrate'
import { MIGRATIONS } from '../../db/migrations'
import { openSqlite } from '../../db/open'
import { DEMO_PASSWORD } from '../../db/seed'
import { hashPassword } from '../../electron/main/passwords'
import { addCustomers } from '../helpers/ledgerFiles'
import { createTestApp, expectLedgerVerifies, tempDir, type TestApp } from '../helpers/app'
import { baseForm, customerRow } from '../helpers/forms'

let app: TestApp | undefined
afterEach(() => app?.close())

async function ledgerAt13(dir: string): Promise<string> {
  const db = openSqlite(path.join(dir, 'ledger.sqlite'))
  migrate(db, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.filter((m) => m.version <= 13) })
  expect(schemaVersion(db)).toBe(13)
  const hash = await hashPassword(DEMO_PASSWORD)
  const head = { at: '2026-11-20T00:00:00Z', actorId: null, actorLoginId: 'test', action: 'test.seed', outcome: 'ok' }
  ledgerTransaction(
    db,
    () => {
      db.exec("INSERT INTO branches(code, name) VALUES ('001', '本店営業部'), ('002', '駅前支店')")
      const ins = db.prepare(
        "INSERT INTO staff(login_id, login_key, name, role, branch_id, password_hash, created_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?, '2026-11-01T00:00:00Z', ?)",
      )
      ins.run('tel1', 'tel1', '窓口 一郎', 'teller', 1, hash, null)
      ins.run('sup1', 'sup1', '役席 一郎', 'supervisor', 1, hash, '2026-11-19T00:00:00Z')
      ins.run('sup2', 'sup2', '役席 次郎', 'supervisor', 2, hash, null)
      ins.run('adm1', 'adm1', '管理 一郎', 'admin', 1, hash, null)
      db.exec("INSERT INTO settings(key, value) VALUES ('ledger_kind', 'production')")
    },
    { fallback: head },
  )
  addCustomers(db, 3)
  const staff = JSON.stringify(db.prepare('SELECT * FROM staff ORDER BY id').raw().all())
  db.close()
  return staff
}

describe('migration 0015', () => {
  it('rebuilds staff with its rows unchanged; the upgraded ledger verifies before and after this version’s commands', async () => {
    const dir = tempDir()
    const staffBefore = await ledgerAt13(dir)
    app = await createTestApp({ dir, demo: false })
    const db = app.ctx.sqlite
    expect(schemaVersion(db)).toBe(15)
    expect(JSON.stringify(db.prepare('SELECT * FROM staff ORDER BY id').raw().all())).toBe(staffBefore)
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'staff'").pluck().get()).toContain("'head_office'")
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([])
    expectLedgerVerifies(app.ctx)

    for (const id of ['tel1', 'sup1', 'sup2', 'adm1']) await app.loginAs(id, id)
    const created = await app.ok(
      'staff.create',
      { loginId: 'hq1', name: '本部 花子', role: 'head_office', password: 'first-pass-2026', confirmation: { loginId: 'sup1', password: DEMO_PASSWORD } },
      'adm1',
    )
    expect(created.role).toBe('head_office')
    const c = customerRow(app.ctx, 1)
    const payload = { ...baseForm(c), submissionKey: randomUUID() }
    const req = await app.ok('requests.receiveCancellation', payload, 'tel1')
    expect((await app.ok('requests.receiveCancellation', payload, 'tel1')).id).toBe(req.id)
    expect((await app.err('requests.approve', { requestId: req.id, version: req.version }, 'sup2')).code).toBe('OTHER_BRANCH_REQUEST')
    await app.ok('requests.approve', { requestId: req.id, version: req.version }, 'sup1')
    expectLedgerVerifies(app.ctx)
    app.close()
    app = undefined

    // The command an administrator runs.
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ledger-verify.ts', `--data-dir=${dir}`], { encoding: 'utf8' })
    expect(r.status, r.stdout + r.stderr).toBe(0)
  })
})
