// Issue 16, case 8: restoring a backup from the administrator's screen while the app runs
// (backups.restore, the operation both transports call), and from the start-up dialog of an
// installed app when the ledger is missing or damaged. Real ledgers, real backups, the dispatcher.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkArchive, recordedPrints } from '../../db/formArchive'
import { openSqlite } from '../../db/open'
import { DEMO_PASSWORD } from '../../db/seed'
import { openApp } from '../../electron/main/ledger'
import { createLogger } from '../../electron/main/logger'
import { runBackup } from '../../electron/main/services/backups'
import { restoreLatestAtStart } from '../../electron/main/services/restore'
import { AppError } from '../../shared/errors'
import { auditRows, createTestApp, snapshotLedger, tempDir, type TestApp } from '../helpers/app'
import { baseForm, customersIn } from '../helpers/forms'
import { addCustomers, closeCheckpointed, middleLeafPage, overwritePage } from '../helpers/ledgerFiles'

let app: TestApp | undefined
afterEach(() => {
  if (app?.ctx.sqlite.open) app.close()
  app = undefined
  delete process.env.OTP_BACKUP_DIR
})

/** A demo ledger with a teller, a supervisor and an administrator logged in, and one verified backup. */
async function withBackup(): Promise<{ a: TestApp; name: string }> {
  const a = await createTestApp()
  await a.loginAs('admin1', 'admin')
  await a.loginAs('teller1', 'teller')
  await a.loginAs('super1', 'super')
  const job = await runBackup(a.ctx, 'manual', { staffId: 0, loginId: 'admin1' })
  expect(job.state).toBe('done')
  return { a, name: job.result!.name }
}

const requestCount = (a: TestApp) => a.ctx.sqlite.prepare('SELECT count(*) FROM otp_requests').pluck().get() as number
const replacedDirs = (a: TestApp) => (fs.existsSync(path.join(a.dir, 'replaced')) ? fs.readdirSync(path.join(a.dir, 'replaced')) : [])

describe('backups.restore: restoring from the screen', () => {
  it('puts the backup back, keeps the replaced ledger aside, audits it in both, ends every session', async () => {
    const r0 = await withBackup()
    app = r0.a
    const atBackup = snapshotLedger(app.ctx)
    const requestsAtBackup = requestCount(app)

    // After the backup: a reception, printed (a PDF archived), and a setting changed.
    const c = customersIn(app.ctx, 'in_use')[0]!
    const req = await app.ok('requests.receiveCancellation', baseForm(c), 'teller')
    await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id }, 'teller')
    expect(requestCount(app)).toBe(requestsAtBackup + 1)
    expect(snapshotLedger(app.ctx)).not.toBe(atBackup)

    const done = await app.ok('backups.restore', { name: r0.name, password: DEMO_PASSWORD }, 'admin')
    expect(done).toMatchObject({ name: r0.name, sessionsEnded: 3, formsCopied: 0 })
    expect(done.replacedDir).toBe(path.join(app.dir, 'replaced', replacedDirs(app)[0]!))

    // The ledger is the backup again, open and whole.
    expect(app.ctx.sqlite.open).toBe(true)
    expect(app.ctx.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(snapshotLedger(app.ctx)).toBe(atBackup)
    expect(requestCount(app)).toBe(requestsAtBackup)
    // The restore is on the record of the restored ledger: who, which backup, where the old one is.
    const row = auditRows(app.ctx).at(-1)!
    expect(row).toMatchObject({ action: 'backups.restore', outcome: 'ok', actor_login_id: 'admin1' })
    expect(JSON.parse(row.detail_json!)).toMatchObject({ from: r0.name, replacedDir: done.replacedDir, formsCopied: 0 })
    expect(fs.readFileSync(path.join(app.dir, 'logs', 'app.log'), 'utf8')).toMatch(/"code":"LEDGER_RESTORED".*"by":"admin1"/)

    // The replaced ledger is kept whole, with the reception made after the backup and the record of
    // who replaced it.
    const kept = openSqlite(path.join(done.replacedDir!, 'ledger.sqlite'), { readonly: true })
    try {
      expect(kept.prepare('SELECT count(*) FROM otp_requests').pluck().get()).toBe(requestsAtBackup + 1)
      const last = kept.prepare("SELECT actor_login_id, detail_json FROM audit_log WHERE action = 'backups.restore'").get() as { actor_login_id: string; detail_json: string }
      expect(last.actor_login_id).toBe('admin1')
      expect(JSON.parse(last.detail_json)).toEqual({ replacedBy: r0.name })
    } finally {
      kept.close()
    }

    // Everyone logs in again, on the restored ledger.
    for (const key of ['admin', 'teller', 'super']) expect((await app.err('settings.get', {}, key)).code).toBe('NOT_AUTHENTICATED')
    await app.loginAs('teller1', 'teller')
    expect((await app.raw('customers.get', { customerId: c.id }, 'teller')).ok).toBe(true)
    // The reception made after the backup is not there any more: the same one is accepted again.
    await app.ok('requests.receiveCancellation', baseForm(c), 'teller')
  })

  it('brings back archived PDFs from a backup folder elsewhere', async () => {
    process.env.OTP_BACKUP_DIR = tempDir('otp-backups-')
    app = await createTestApp()
    await app.loginAs('teller1', 'teller')
    await app.loginAs('admin1', 'admin')
    const c = customersIn(app.ctx, 'in_use')[0]!
    const req = await app.ok('requests.receiveCancellation', baseForm(c), 'teller')
    await app.ok('forms.print', { form: 'handling_record', requestId: req.id }, 'teller')
    const job = await runBackup(app.ctx, 'manual', null)
    expect(job.state).toBe('done')
    const prints = recordedPrints(app.ctx.sqlite)
    fs.rmSync(path.join(app.dir, prints[0]!.filePath)) // a PDF lost from the data folder

    const done = await app.ok('backups.restore', { name: job.result!.name, password: DEMO_PASSWORD }, 'admin')
    expect(done.formsCopied).toBe(1)
    expect(checkArchive(recordedPrints(app.ctx.sqlite), app.dir)).toEqual({ ok: 1, missing: [], mismatched: [] })
  })

  it('refuses counter staff and supervisors before anything is looked at', async () => {
    const r0 = await withBackup()
    app = r0.a
    const before = snapshotLedger(app.ctx)
    for (const key of ['teller', 'super']) expect((await app.err('backups.restore', { name: r0.name, password: DEMO_PASSWORD }, key)).code).toBe('FORBIDDEN_ROLE')
    expect(snapshotLedger(app.ctx)).toBe(before)
    expect(replacedDirs(app)).toEqual([])
    expect((await app.raw('settings.get', {}, 'teller')).ok).toBe(true)
  })

  it('refuses a backup damaged since it was listed as verified, and changes nothing', async () => {
    app = await createTestApp()
    await app.loginAs('admin1', 'admin')
    await app.loginAs('teller1', 'teller')
    addCustomers(app.ctx.sqlite, 3000)
    const job = await runBackup(app.ctx, 'manual', null)
    expect(job.result?.check?.ok).toBe(true)
    const { page, pageSize } = middleLeafPage(app.ctx.sqlite, 'customers')
    overwritePage(path.join(app.dir, 'backups', job.result!.name), page, pageSize)
    const before = snapshotLedger(app.ctx)
    const ledgerBytes = fs.statSync(path.join(app.dir, 'ledger.sqlite')).size

    const e = await app.err('backups.restore', { name: job.result!.name, password: DEMO_PASSWORD }, 'admin')
    expect(e.code).toBe('BACKUP_UNUSABLE')
    expect(e.message).toContain('破損')
    expect(e.message).toContain('台帳は変更していません')
    expect(snapshotLedger(app.ctx)).toBe(before)
    expect(fs.statSync(path.join(app.dir, 'ledger.sqlite')).size).toBe(ledgerBytes)
    expect(replacedDirs(app)).toEqual([])
    // Nobody was logged out.
    expect((await app.raw('backups.overview', {}, 'admin')).ok).toBe(true)
    expect((await app.raw('settings.get', {}, 'teller')).ok).toBe(true)
    expect(auditRows(app.ctx).at(-1)).toMatchObject({ action: 'backups.restore', outcome: 'refused', actor_login_id: 'admin1' })
  })

  it('needs the administrator’s own password again; a wrong one changes nothing and counts toward the lockout', async () => {
    const r0 = await withBackup()
    app = r0.a
    const before = snapshotLedger(app.ctx, ['staff'])
    const e = await app.err('backups.restore', { name: r0.name, password: 'not-the-password-1' }, 'admin')
    expect(e.code).toBe('LOGIN_FAILED')
    expect(e.fields?.password).toBeTruthy()
    expect(snapshotLedger(app.ctx, ['staff'])).toBe(before)
    expect(replacedDirs(app)).toEqual([])
    expect(app.ctx.sqlite.prepare("SELECT failed_attempts FROM staff WHERE login_id = 'admin1'").pluck().get()).toBe(1)
    expect(auditRows(app.ctx).filter((r) => r.action === 'backups.restore.confirm').at(-1)).toMatchObject({ outcome: 'refused', actor_login_id: 'admin1' })
    expect((await app.raw('backups.overview', {}, 'admin')).ok).toBe(true)
  })

  it('takes a backup only by a name from the list, never a path', async () => {
    const r0 = await withBackup()
    app = r0.a
    for (const name of ['../ledger.sqlite', '/etc/passwd', 'backups/ledger-manual-x.sqlite', `..\\${r0.name}`])
      expect((await app.err('backups.restore', { name, password: DEMO_PASSWORD }, 'admin')).code).toBe('VALIDATION_FAILED')
    // A well-formed name that is not a listed backup (the ledger itself is named ledger.sqlite, not ledger-….sqlite).
    expect((await app.err('backups.restore', { name: 'ledger-manual-20990101T000000000Z.sqlite', password: DEMO_PASSWORD }, 'admin')).code).toBe(
      'BACKUP_NOT_FOUND',
    )
    expect(replacedDirs(app)).toEqual([])
  })

  it('one restore at a time: a second click while the first runs is refused', async () => {
    const r0 = await withBackup()
    app = r0.a
    const [first, second] = await Promise.all([
      app.raw('backups.restore', { name: r0.name, password: DEMO_PASSWORD }, 'admin'),
      app.raw('backups.restore', { name: r0.name, password: DEMO_PASSWORD }, 'admin'),
    ])
    expect(first.ok).toBe(true)
    expect(second).toMatchObject({ ok: false, error: { code: 'RESTORE_BUSY' } })
    expect(replacedDirs(app)).toHaveLength(1)
  })
})

describe('the start-up refusal of an installed app', () => {
  it('names no developer command, and restores the latest verified backup at the machine', async () => {
    const r0 = await withBackup()
    app = r0.a
    const atBackup = snapshotLedger(app.ctx)
    closeCheckpointed(app.ctx.sqlite)
    const ledger = path.join(app.dir, 'ledger.sqlite')
    fs.writeFileSync(ledger, 'garbage')

    const refused = await openApp({ dataDir: app.dir, demo: true, transport: 'ipc', version: 't', autoBackup: false, recovery: 'app' }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(AppError)
    expect((refused as AppError).code).toBe('LEDGER_DAMAGED')
    expect((refused as AppError).message).toContain(r0.name)
    expect((refused as AppError).message).toContain('最新のバックアップから復元')
    expect((refused as AppError).message).not.toMatch(/npm|--data-dir|electron/)

    const r = await restoreLatestAtStart(app.dir, { osUser: 'tanaka', logger: createLogger(app.dir) })
    expect(r.restored.name).toBe(r0.name)
    expect(fs.readFileSync(path.join(r.replacedDir!, 'ledger.sqlite'), 'utf8')).toBe('garbage')

    const again = await createTestApp({ dir: app.dir })
    try {
      expect(snapshotLedger(again.ctx)).toBe(atBackup)
      expect(auditRows(again.ctx).at(-1)).toMatchObject({ action: 'ledger.restore', outcome: 'ok', actor_login_id: 'machine:tanaka' })
      await again.loginAs('admin1')
    } finally {
      again.close()
    }
  })

  it('a missing ledger: the refusal says how the installed app restores it', async () => {
    const r0 = await withBackup()
    app = r0.a
    closeCheckpointed(app.ctx.sqlite)
    fs.rmSync(path.join(app.dir, 'ledger.sqlite'))
    const refused = (await openApp({ dataDir: app.dir, demo: true, transport: 'ipc', version: 't', autoBackup: false, recovery: 'app' }).catch(
      (e: unknown) => e,
    )) as AppError
    expect(refused.code).toBe('LEDGER_MISSING')
    expect(refused.message).toContain(r0.name)
    expect(refused.message).not.toMatch(/npm|--data-dir/)
    const r = await restoreLatestAtStart(app.dir, { osUser: 'tanaka', logger: createLogger(app.dir) })
    expect(r.replacedDir).toBeNull()
    const again = await createTestApp({ dir: app.dir })
    again.close()
  })
})
