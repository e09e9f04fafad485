// The journal against a user with the sqlite3 command line on a closed ledger (issue 15): every
// tampering case names the row and the entry it concerns, and a ledger nobody touched verifies.
// The attacker's connection is a plain better-sqlite3 connection: no TEMP triggers, like sqlite3.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { EntryHasher, GENESIS_HASH, currentDigest, parseDigest, type EntryHeader, type JournalRow } from '../../db/journal'
import { pageCount, pdfText, qrCodes, squeeze } from './pdf/poppler'
import { openSqlite } from '../../db/open'
import { verifyLedger, type VerifyReport } from '../../db/verify'
import { createTestApp, tempDir, type TestApp } from '../helpers/app'
import { closeCheckpointed } from '../helpers/ledgerFiles'
import { customersIn, newApplicationForm } from '../helpers/forms'

let app: TestApp | null = null
afterEach(() => {
  if (app?.ctx.sqlite.open) app.close()
  app = null
})

interface Journeyed {
  dir: string
  file: string
  requestId: number
  approvalHistoryId: number
  customerId: number
  printId: number
  tellerId: number
  journalPdf: string
}

let template: Journeyed | null = null

/** The journeyed ledger, copied into a folder of its own for each test (the journey runs once). */
async function journey(): Promise<Journeyed> {
  template ??= await runJourney()
  const dir = tempDir()
  fs.copyFileSync(template.file, path.join(dir, 'ledger.sqlite'))
  return { ...template, dir, file: path.join(dir, 'ledger.sqlite') }
}

/** A counter morning through the dispatcher: a new application received, approved and printed,
 * a setting changed, a staff member created, a refusal; then the app closes. */
async function runJourney(): Promise<Journeyed> {
  app = await createTestApp()
  await app.loginAs('teller1', 't')
  await app.loginAs('super1', 's')
  await app.loginAs('admin1', 'a')
  const c = customersIn(app.ctx, 'unregistered')[0]!
  const req = await app.ok('requests.receiveNewApplication', newApplicationForm(c), 't')
  await app.ok('requests.approve', { requestId: req.id, version: req.version }, 's')
  const print = await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id }, 't')
  await app.ok('settings.update', { unlockRepeatDays: 45 }, 'a')
  await app.ok('staff.create', { loginId: 'teller7', name: '窓口 七子', role: 'teller', password: 'password-2026x' }, 'a')
  await app.err('requests.approve', { requestId: req.id, version: req.version }, 't') // a refusal, journaled too
  // The supervisor's 日次取扱一覧 at the end of the morning, with the digest printed on it.
  const journal = await app.ok('forms.printDailyJournal', { businessDate: '2026-11-21' }, 's')
  const journalPdf = path.join(app.dir, 'daily-journal.pdf')
  fs.writeFileSync(journalPdf, Buffer.from(journal.pdfBase64, 'base64'))
  const s = app.ctx.sqlite
  const approvalHistoryId = s.prepare("SELECT id FROM otp_history WHERE request_id = ? AND kind = 'request_approved'").pluck().get(req.id) as number
  const printId = s.prepare('SELECT id FROM printed_forms WHERE sha256 = ?').pluck().get(print.sha256) as number
  const tellerId = s.prepare("SELECT id FROM staff WHERE login_id = 'teller1'").pluck().get() as number
  const dir = app.dir
  closeCheckpointed(app.ctx.sqlite)
  return { dir, file: path.join(dir, 'ledger.sqlite'), requestId: req.id, approvalHistoryId, customerId: c.id, printId, tellerId, journalPdf }
}

/** The sqlite3 command line: no foreign keys, no TEMP triggers. */
function attacker(file: string, fn: (db: Database.Database) => void): void {
  const db = new Database(file)
  db.pragma('foreign_keys = OFF') // as in the sqlite3 command line
  try {
    fn(db)
  } finally {
    db.close()
  }
}

function verifyFile(file: string, anchor?: { count: number; hash: string }): VerifyReport {
  const db = openSqlite(file, { readonly: true })
  try {
    return verifyLedger(db, { mode: 'full', anchor })
  } finally {
    db.close()
  }
}

/** The entry that last recorded a row, read before the tampering. */
function lastEntryOf(file: string, table: string, key: string): { id: number; action: string; actor: string | null } {
  const db = openSqlite(file, { readonly: true })
  try {
    return db
      .prepare(
        `SELECT j.id, j.action, j.actor_login_id AS actor FROM ledger_journal j
         WHERE j.id = (SELECT max(entry_id) FROM ledger_journal_rows WHERE tbl = ? AND row_key = ?)`,
      )
      .get(table, key) as { id: number; action: string; actor: string | null }
  } finally {
    db.close()
  }
}

function expectOneRow(r: VerifyReport, kind: string, table: string, rowKey: string, entry: { id: number; action: string; actor: string | null } | null) {
  expect(r.ok).toBe(false)
  expect(r.chainBreak).toBeNull()
  expect(r.rows).toHaveLength(1)
  expect(r.rows[0]).toMatchObject({ kind, table, rowKey })
  if (entry) expect(r.rows[0]!.entry).toMatchObject({ entryId: entry.id, action: entry.action, actorLoginId: entry.actor })
  else expect(r.rows[0]!.entry).toBeNull()
}

describe('a ledger nobody touched', () => {
  it('verifies clean after the journey, every entry attributed, refusals included', async () => {
    const j = await journey()
    const r = verifyFile(j.file)
    expect(r.rows).toEqual([])
    expect(r.chainBreak).toBeNull()
    expect(r.ok).toBe(true)
    expect(r.entriesChecked).toBe(r.digest.count)
    const db = openSqlite(j.file, { readonly: true })
    const actions = db.prepare('SELECT action, outcome FROM ledger_journal ORDER BY id').all() as Array<{ action: string; outcome: string }>
    db.close()
    expect(actions.map((a) => a.action)).not.toContain('ledger.unattributed')
    expect(actions).toContainEqual({ action: 'requests.approve', outcome: 'refused' })
    expect(actions).toContainEqual({ action: 'requests.approve', outcome: 'ok' })
  })
})

describe('business rows changed behind the app are named with the entry that recorded them', () => {
  it('an otp_history row edited', async () => {
    const j = await journey()
    const key = String(j.approvalHistoryId)
    const entry = lastEntryOf(j.file, 'otp_history', key)
    expect(entry.action).toBe('requests.approve')
    attacker(j.file, (db) => db.prepare("UPDATE otp_history SET actor_id = (SELECT id FROM staff WHERE login_id = 'super2') WHERE id = ?").run(j.approvalHistoryId))
    expectOneRow(verifyFile(j.file), 'changed', 'otp_history', key, entry)
  })

  it('an otp_history row deleted', async () => {
    const j = await journey()
    const key = String(j.approvalHistoryId)
    const entry = lastEntryOf(j.file, 'otp_history', key)
    attacker(j.file, (db) => db.prepare('DELETE FROM otp_history WHERE id = ?').run(j.approvalHistoryId))
    expectOneRow(verifyFile(j.file), 'missing', 'otp_history', key, entry)
  })

  it('a request deleted', async () => {
    const j = await journey()
    const key = String(j.requestId)
    const entry = lastEntryOf(j.file, 'otp_requests', key)
    expect(entry.action).toBe('requests.approve')
    attacker(j.file, (db) => db.prepare('DELETE FROM otp_requests WHERE id = ?').run(j.requestId))
    expectOneRow(verifyFile(j.file), 'missing', 'otp_requests', key, entry)
  })

  it("a customer's status changed from 閉塞 to サービス利用中 without any history", async () => {
    const j = await journey()
    const db0 = openSqlite(j.file, { readonly: true })
    const blocked = db0.prepare("SELECT id FROM customers WHERE otp_status = 'blocked' ORDER BY id LIMIT 1").pluck().get() as number
    db0.close()
    const key = String(blocked)
    const entry = lastEntryOf(j.file, 'customers', key)
    attacker(j.file, (db) => db.prepare("UPDATE customers SET otp_status = 'in_use' WHERE id = ?").run(blocked))
    const r = verifyFile(j.file)
    expectOneRow(r, 'changed', 'customers', key, entry)
    expect(r.rows[0]!.journalState).toContain('"blocked"')
    expect(r.rows[0]!.currentState).toContain('"in_use"')
  })

  it("a teller's role changed to supervisor", async () => {
    const j = await journey()
    const key = String(j.tellerId)
    const entry = lastEntryOf(j.file, 'staff', key)
    expect(entry.action).toBe('auth.login') // the login reset the failed attempts and set last_login_at
    attacker(j.file, (db) => db.prepare("UPDATE staff SET role = 'supervisor' WHERE id = ?").run(j.tellerId))
    expectOneRow(verifyFile(j.file), 'changed', 'staff', key, entry)
  })

  it('a settings row changed', async () => {
    const j = await journey()
    const entry = lastEntryOf(j.file, 'settings', 'unlock_repeat_days')
    expect(entry).toMatchObject({ action: 'settings.update', actor: 'admin1' })
    attacker(j.file, (db) => db.prepare("UPDATE settings SET value = '7' WHERE key = 'unlock_repeat_days'").run())
    expectOneRow(verifyFile(j.file), 'changed', 'settings', 'unlock_repeat_days', entry)
  })

  it('a printed-form record changed', async () => {
    const j = await journey()
    const key = String(j.printId)
    const entry = lastEntryOf(j.file, 'printed_forms', key)
    expect(entry).toMatchObject({ action: 'forms.print', actor: 'teller1' })
    attacker(j.file, (db) => db.prepare("UPDATE printed_forms SET sha256 = 'f00d' || substr(sha256, 5) WHERE id = ?").run(j.printId))
    expectOneRow(verifyFile(j.file), 'changed', 'printed_forms', key, entry)
  })

  it('a row added without any entry', async () => {
    const j = await journey()
    attacker(j.file, (db) =>
      db.exec(`INSERT INTO settings (key, value) VALUES ('backdoor', '1')`),
    )
    expectOneRow(verifyFile(j.file), 'unjournaled', 'settings', 'backdoor', null)
  })

  it('an audit row edited after dropping its append-only trigger', async () => {
    const j = await journey()
    const db0 = openSqlite(j.file, { readonly: true })
    const auditId = db0.prepare("SELECT id FROM audit_log WHERE action = 'requests.approve' AND outcome = 'ok'").pluck().get() as number
    db0.close()
    const entry = lastEntryOf(j.file, 'audit_log', String(auditId))
    expect(entry).toMatchObject({ action: 'requests.approve', actor: 'super1' })
    attacker(j.file, (db) =>
      db.exec(`DROP TRIGGER audit_log_no_update;
        UPDATE audit_log SET actor_login_id = 'super2', actor_id = (SELECT id FROM staff WHERE login_id = 'super2') WHERE id = ${auditId};
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`),
    )
    expectOneRow(verifyFile(j.file), 'changed', 'audit_log', String(auditId), entry)
  })
})

describe('journal entries changed behind the app break the chain where they were changed', () => {
  const dropGuards = `DROP TRIGGER ledger_journal_no_update; DROP TRIGGER ledger_journal_no_delete;
    DROP TRIGGER ledger_journal_rows_no_update; DROP TRIGGER ledger_journal_rows_no_delete;`

  it('an entry edited (its actor rewritten)', async () => {
    const j = await journey()
    const target = lastEntryOf(j.file, 'settings', 'unlock_repeat_days')
    attacker(j.file, (db) => db.exec(`${dropGuards} UPDATE ledger_journal SET actor_login_id = 'admin9' WHERE id = ${target.id};`))
    const r = verifyFile(j.file)
    expect(r.ok).toBe(false)
    expect(r.chainBreak).toMatchObject({ kind: 'hash', entryId: target.id, action: 'settings.update', actorLoginId: 'admin9' })
  })

  it("an entry's row edited together with the table (the change hidden in both)", async () => {
    const j = await journey()
    const target = lastEntryOf(j.file, 'settings', 'unlock_repeat_days')
    attacker(j.file, (db) =>
      db.exec(`${dropGuards}
        UPDATE settings SET value = '7' WHERE key = 'unlock_repeat_days';
        UPDATE ledger_journal_rows SET row_json = '["unlock_repeat_days","7"]' WHERE entry_id = ${target.id} AND tbl = 'settings' AND row_key = 'unlock_repeat_days';`),
    )
    const r = verifyFile(j.file)
    expect(r.rows).toEqual([])
    expect(r.chainBreak).toMatchObject({ kind: 'hash', entryId: target.id, action: 'settings.update', actorLoginId: 'admin1' })
  })

  it('an entry deleted', async () => {
    const j = await journey()
    const target = lastEntryOf(j.file, 'settings', 'unlock_repeat_days')
    attacker(j.file, (db) => db.exec(`${dropGuards} DELETE FROM ledger_journal_rows WHERE entry_id = ${target.id}; DELETE FROM ledger_journal WHERE id = ${target.id};`))
    const r = verifyFile(j.file)
    expect(r.ok).toBe(false)
    expect(r.chainBreak).toMatchObject({ kind: 'gap', entryId: target.id + 1 })
    expect(r.chainBreak!.message).toContain(`仕訳 ${target.id} が削除されています`)
  })

  it('an entry inserted (forged with a correct hash, later entries renumbered)', async () => {
    const j = await journey()
    const at = lastEntryOf(j.file, 'settings', 'unlock_repeat_days').id
    attacker(j.file, (db) => {
      db.exec(dropGuards)
      const n = db.prepare('SELECT max(id) FROM ledger_journal').pluck().get() as number
      for (let id = n; id >= at; id--) {
        db.prepare('UPDATE ledger_journal SET id = id + 1 WHERE id = ?').run(id)
        db.prepare('UPDATE ledger_journal_rows SET entry_id = entry_id + 1 WHERE entry_id = ?').run(id)
      }
      const prev = db.prepare('SELECT hash FROM ledger_journal WHERE id = ?').pluck().get(at - 1) as string
      const head = { at: '2026-11-21T01:30:00.000Z', actorId: null, actorLoginId: 'admin1', action: 'settings.update', outcome: 'ok', auditId: null, origin: 'command' as const }
      const row: JournalRow = { tbl: 'settings', rowKey: 'backdoor', rowJson: '["backdoor","1"]' }
      const h = new EntryHasher(at, head, 1, prev)
      h.row(row)
      db.prepare(`INSERT INTO ledger_journal (id, at, actor_id, actor_login_id, action, outcome, audit_id, origin, row_count, prev_hash, hash)
        VALUES (?, ?, NULL, 'admin1', 'settings.update', 'ok', NULL, 'command', 1, ?, ?)`).run(at, head.at, prev, h.digest())
      db.prepare('INSERT INTO ledger_journal_rows VALUES (?, 1, ?, ?, ?)').run(at, row.tbl, row.rowKey, row.rowJson)
      db.prepare("INSERT INTO settings (key, value) VALUES ('backdoor', '1')").run()
    })
    const r = verifyFile(j.file)
    expect(r.ok).toBe(false)
    // The forged entry links correctly; the genuine one after it no longer hashes under its new number.
    expect(r.chainBreak).toMatchObject({ kind: 'hash', entryId: at + 1, action: 'settings.update', actorLoginId: 'admin1' })
  })

  it('two entries swapped', async () => {
    const j = await journey()
    const a = lastEntryOf(j.file, 'settings', 'unlock_repeat_days').id
    attacker(j.file, (db) => {
      db.exec(dropGuards)
      const cols = 'at, actor_id, actor_login_id, action, outcome, audit_id, origin, row_count, prev_hash, hash'
      const [x, y] = [a, a + 1].map((id) => db.prepare(`SELECT ${cols} FROM ledger_journal WHERE id = ?`).get(id) as Record<string, unknown>)
      const set = `UPDATE ledger_journal SET ${cols.split(', ').map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`
      db.prepare(set).run({ ...y, id: a })
      db.prepare(set).run({ ...x, id: a + 1 })
      db.exec(`UPDATE ledger_journal_rows SET entry_id = -1 WHERE entry_id = ${a};
        UPDATE ledger_journal_rows SET entry_id = ${a} WHERE entry_id = ${a + 1};
        UPDATE ledger_journal_rows SET entry_id = ${a + 1} WHERE entry_id = -1;`)
    })
    const r = verifyFile(j.file)
    expect(r.ok).toBe(false)
    expect(r.chainBreak).toMatchObject({ kind: 'hash', entryId: a })
  })
})

describe('the check at start and the administrators’ ops', () => {
  it('the next start finds an entry edited since the last verified one, and integrity.status says so', async () => {
    const j = await journey()
    const last = lastEntryOf(j.file, 'staff', String(j.tellerId)) // any entry after the checkpoint of the first start
    attacker(j.file, (db) => db.exec(`DROP TRIGGER ledger_journal_no_update; UPDATE ledger_journal SET outcome = 'refused' WHERE id = ${last.id};`))
    app = await createTestApp({ dir: j.dir })
    await app.loginAs('admin1', 'a')
    const status = await app.ok('integrity.status', {}, 'a')
    expect(status.ok).toBe(false)
    expect(status.report?.mode).toBe('incremental')
    expect(status.report?.chainBreak).toMatchObject({ kind: 'hash', entryId: last.id })
    const full = await app.ok('integrity.verify', {}, 'a')
    expect(full.chainBreak).toMatchObject({ kind: 'hash', entryId: last.id })
  })

  it('a clean start moves the checkpoint; integrity.verify verifies in full and is audited', async () => {
    app = await createTestApp()
    await app.loginAs('admin1', 'a')
    const r = await app.ok('integrity.verify', {}, 'a')
    expect(r).toMatchObject({ ok: true, mode: 'full' })
    const status = await app.ok('integrity.status', {}, 'a')
    expect(status).toMatchObject({ ok: true, lastFullCheckedAt: r.checkedAt })
    expect(status.digest.count).toBeGreaterThan(r.digest.count) // the verification's own audit row is an entry
    const exported = await app.ok('integrity.exportDigest', {}, 'a')
    expect(Buffer.from(exported.contentBase64!, 'base64').toString('utf8')).toContain(exported.digestText)
  })
})

describe('anchors', () => {
  it('a digest taken earlier fails once the ledger is rewritten from an earlier entry and the chain recomputed', async () => {
    const j = await journey()
    // The digest as a scanner reads it off the printed 日次取扱一覧: the journal just before its print.
    const [qr] = qrCodes(j.journalPdf, pageCount(j.journalPdf))
    const anchor = parseDigest(qr!)!
    const db0 = openSqlite(j.file, { readonly: true })
    expect(db0.prepare("SELECT action FROM ledger_journal WHERE id = ?").pluck().get(anchor.count + 1)).toBe('forms.print')
    db0.close()
    expect(squeeze(pdfText(j.journalPdf))).toContain(`仕訳件数${anchor.count}`)
    expect(verifyFile(j.file, anchor).anchor).toMatchObject({ ok: true })

    // The attacker changes a setting and rewrites the journal from the entry that recorded it,
    // recomputing every hash after it: the chain and the state verify again.
    const from = lastEntryOf(j.file, 'settings', 'unlock_repeat_days').id
    attacker(j.file, (db) => {
      db.exec(`DROP TRIGGER ledger_journal_no_update; DROP TRIGGER ledger_journal_rows_no_update;
        UPDATE settings SET value = '7' WHERE key = 'unlock_repeat_days';
        UPDATE ledger_journal_rows SET row_json = '["unlock_repeat_days","7"]' WHERE entry_id = ${from} AND row_key = 'unlock_repeat_days';`)
      let prev = db.prepare('SELECT hash FROM ledger_journal WHERE id = ?').pluck().get(from - 1) as string
      const entries = db.prepare('SELECT id, at, actor_id AS actorId, actor_login_id AS actorLoginId, action, outcome, audit_id AS auditId, origin, row_count AS rowCount FROM ledger_journal WHERE id >= ? ORDER BY id').all(from) as Array<EntryHeader & { id: number; rowCount: number }>
      for (const e of entries) {
        const linked = prev
        const h = new EntryHasher(e.id, e, e.rowCount, linked)
        for (const r of db.prepare('SELECT tbl, row_key AS rowKey, row_json AS rowJson FROM ledger_journal_rows WHERE entry_id = ? ORDER BY seq').all(e.id) as JournalRow[]) h.row(r)
        prev = h.digest()
        db.prepare('UPDATE ledger_journal SET prev_hash = ?, hash = ? WHERE id = ?').run(linked, prev, e.id)
      }
    })
    const r = verifyFile(j.file, anchor)
    expect(r.chainBreak).toBeNull()
    expect(r.rows).toEqual([])
    expect(r.anchor).toMatchObject({ ok: false, count: anchor.count })
    expect(r.ok).toBe(false)
    expect(anchor.hash).not.toBe(GENESIS_HASH)
  })
})

describe('the command line and the backup', () => {
  const run = (script: string, args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', env: { ...process.env, OTP_BACKUP_DIR: '' } })

  it('npm run ledger:verify: exit 0 and the digest on a clean ledger, 1 naming the row on a tampered one; --anchor checks the prefix', { timeout: 90_000 }, async () => {
    const j = await journey()
    const db0 = openSqlite(j.file, { readonly: true })
    const anchor = currentDigest(db0)
    db0.close()
    const clean = run('scripts/ledger-verify.ts', [`--data-dir=${j.dir}`, `--anchor=otp-ledger:1:${anchor.count}:${anchor.hash}`])
    expect(clean.status).toBe(0)
    expect(clean.stdout).toContain(`OK full verification`)
    expect(clean.stdout).toContain(`ANCHOR ok ${anchor.count}:${anchor.hash}`)
    attacker(j.file, (db) => db.prepare("UPDATE staff SET role = 'supervisor' WHERE id = ?").run(j.tellerId))
    const bad = run('scripts/ledger-verify.ts', [`--data-dir=${j.dir}`])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain(`ROW changed staff ${j.tellerId} last recorded by entry`)
    expect(run('scripts/ledger-verify.ts', [`--data-dir=${j.dir}`, '--anchor=nonsense']).status).toBe(2)
  })

  it('npm run backup of a tampered ledger says so and exits non-zero; the backup check records it', { timeout: 90_000 }, async () => {
    const j = await journey()
    attacker(j.file, (db) => db.prepare("UPDATE settings SET value = '7' WHERE key = 'unlock_repeat_days'").run())
    const out = tempDir('otp-backups-')
    const r = run('scripts/backup.ts', [`--data-dir=${j.dir}`, `--out=${out}`])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('台帳の仕訳の検証に失敗しました')
    expect(r.stderr).toContain('ROW changed settings unlock_repeat_days')
    const check = JSON.parse(fs.readFileSync(path.join(out, fs.readdirSync(out).find((f) => f.endsWith('.check.json'))!), 'utf8'))
    expect(check).toMatchObject({ ok: false, integrity: 'ok', journal: { ok: false } })
  })
})
