// Issue 16, case 8: automatic and on-screen backups, verified, kept to a number, and a backup ->
// damage -> restore -> verify round trip with the archived PDFs, through the real command.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkArchive, recordedPrints } from '../../db/formArchive'
import { migrate } from '../../db/migrate'
import { MIGRATIONS } from '../../db/migrations'
import { openSqlite } from '../../db/open'
import { backupTick, runBackup } from '../../electron/main/services/backups'
import { openApp } from '../../electron/main/ledger'
import { AppError } from '../../shared/errors'
import { auditRows, createTestApp, tempDir, type TestApp } from '../helpers/app'
import { baseForm, customersIn } from '../helpers/forms'
import { addCustomers, closeCheckpointed, middleLeafPage, overwritePage } from '../helpers/ledgerFiles'

let app: TestApp | undefined
afterEach(() => {
  if (app?.ctx.sqlite.open) app.close()
  app = undefined
  delete process.env.OTP_BACKUP_DIR
  delete process.env.OTP_BACKUP_KEEP
})

const restore = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/restore.ts', `--data-dir=${dataDir}`, ...args], { encoding: 'utf8', env: { ...process.env } })

async function withPrints(): Promise<TestApp> {
  const a = await createTestApp()
  await a.loginAs('teller1', 'teller')
  const c = customersIn(a.ctx, 'in_use')[0]!
  const req = await a.ok('requests.receiveCancellation', baseForm(c), 'teller')
  await a.ok('forms.print', { form: 'customer_receipt', requestId: req.id }, 'teller')
  await a.ok('forms.print', { form: 'handling_record', requestId: req.id }, 'teller')
  return a
}

describe('backups on the administrator screen', () => {
  it('starts one, shows its progress and its check, audits it; only administrators may', async () => {
    app = await withPrints()
    await app.loginAs('admin1', 'admin')
    expect((await app.err('backups.start', {}, 'teller')).code).toBe('FORBIDDEN_ROLE')
    const started = await app.ok('backups.start', {}, 'admin')
    expect(started).toMatchObject({ state: 'running', kind: 'manual' })
    expect((await app.err('backups.start', {}, 'admin')).code).toBe('BACKUP_RUNNING')
    let overview = await app.ok('backups.overview', {}, 'admin')
    for (let i = 0; i < 200 && overview.job?.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20))
      overview = await app.ok('backups.overview', {}, 'admin')
    }
    expect(overview.job).toMatchObject({ state: 'done', progress: 1, error: null })
    expect(overview.backups).toHaveLength(1)
    expect(overview.backups[0]).toMatchObject({ kind: 'manual', check: { ok: true, integrity: 'ok', printsRecorded: 2, printsOk: 2, printsMissing: 0 } })
    expect(overview.folder).toBe(path.join(app.dir, 'backups'))
    expect(overview.restoreCommand).toBe(`npm run restore -- --data-dir="${app.dir}"`)
    expect(overview.disk?.totalBytes).toBeGreaterThan(0)
    expect(auditRows(app.ctx).filter((r) => r.action === 'backups.create')).toMatchObject([{ outcome: 'ok', actor_login_id: 'admin1' }])
  })
})

describe('automatic backups', () => {
  it('one a day by itself, verified, keeping the configured number', async () => {
    process.env.OTP_BACKUP_KEEP = '2'
    app = await withPrints()
    const auto = () => fs.readdirSync(path.join(app!.dir, 'backups')).filter((f) => /^ledger-auto-.*\.sqlite$/.test(f))
    await backupTick(app.ctx)
    expect(auto()).toHaveLength(1)
    await backupTick(app.ctx) // not a day later: nothing new
    expect(auto()).toHaveLength(1)
    for (let day = 1; day <= 3; day++) {
      app.clock.now = new Date(app.clock.now.getTime() + 25 * 60 * 60 * 1000)
      await backupTick(app.ctx)
    }
    expect(auto()).toHaveLength(2) // four written, the two oldest removed
    for (const f of auto()) {
      const check = JSON.parse(fs.readFileSync(path.join(app.dir, 'backups', `${f}.check.json`), 'utf8'))
      expect(check).toMatchObject({ ok: true, integrity: 'ok', prints: { recorded: 2, ok: 2 } })
    }
    expect(auditRows(app.ctx).filter((r) => r.action === 'backups.create' && r.actor_login_id === 'system')).toHaveLength(4)
  })
})

describe('the backup before a migration', () => {
  it('is checked like every other backup and listed with its check', async () => {
    const dir = tempDir()
    const old = openSqlite(path.join(dir, 'ledger.sqlite'))
    migrate(old, { backupDir: path.join(dir, 'backups'), migrations: MIGRATIONS.slice(0, -1) })
    old.close()
    app = await createTestApp({ dir, demo: false })
    await app.ok('auth.setupFirstAdmin', { branchCode: '101', branchName: '大町支店', loginId: 'kanri', name: '管理 太郎', password: 'kanri-pass-2026' })
    const overview = await app.ok('backups.overview', {})
    expect(overview.backups).toMatchObject([{ kind: 'migration', check: { ok: true, integrity: 'ok' } }])
  })
})

describe('backup -> damage -> restore -> verify', () => {
  it('restores in one step from a backup folder with the PDFs, keeping the damaged ledger aside', async () => {
    const out = tempDir('otp-backups-')
    process.env.OTP_BACKUP_DIR = out
    app = await withPrints()
    addCustomers(app.ctx.sqlite, 3000)
    const job = await runBackup(app.ctx, 'manual', null)
    expect(job.state).toBe('done')
    expect(fs.readdirSync(path.join(out, 'forms'), { recursive: true }).filter((f) => String(f).endsWith('.pdf'))).toHaveLength(2)
    const expected = app.ctx.sqlite.prepare('SELECT count(*) FROM customers').pluck().get()
    const prints = recordedPrints(app.ctx.sqlite)

    // The bad day: a page of the ledger overwritten, and an archived PDF deleted.
    const { page, pageSize } = middleLeafPage(app.ctx.sqlite, 'customers')
    closeCheckpointed(app.ctx.sqlite)
    const ledger = path.join(app.dir, 'ledger.sqlite')
    const damagedBytes = fs.readFileSync(ledger)
    overwritePage(ledger, page, pageSize)
    fs.rmSync(path.join(app.dir, prints[0]!.filePath))

    // A restore from the data folder's own backups cannot bring the PDF back: refused, nothing replaced.
    const inFolder = await runBackupOfCopy(app.dir)
    const refused = restore(app.dir, `--from=${inFolder}`)
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain('帳票PDF')
    expect(fs.existsSync(path.join(app.dir, 'replaced'))).toBe(false)

    const r = restore(app.dir) // the newest verified backup: the one in OTP_BACKUP_DIR with its forms/
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('integrity_check ok')
    expect(r.stdout).toContain('PDFs copied back: 1')

    const replaced = fs.readdirSync(path.join(app.dir, 'replaced'))
    expect(replaced).toHaveLength(1)
    expect(fs.readFileSync(path.join(app.dir, 'replaced', replaced[0]!, 'ledger.sqlite')).length).toBe(damagedBytes.length)

    const again = await createTestApp({ dir: app.dir })
    try {
      expect(again.ctx.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(again.ctx.sqlite.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(expected)
      expect(checkArchive(recordedPrints(again.ctx.sqlite), again.dir)).toEqual({ ok: 2, missing: [], mismatched: [] })
      expect(auditRows(again.ctx).at(-1)).toMatchObject({ action: 'ledger.restore', outcome: 'ok' })
      await again.loginAs('teller1')
      expect((await again.raw('customers.get', { customerId: 60 })).ok).toBe(true)
    } finally {
      again.close()
    }
  })

  it('refuses a damaged backup, and while the app has the ledger open', async () => {
    app = await withPrints()
    const good = await runBackup(app.ctx, 'manual', null)
    const file = path.join(app.dir, 'backups', good.result!.name)
    // Another live process holds the ledger (the app): refused.
    fs.writeFileSync(path.join(app.dir, 'ledger-in-use.json'), JSON.stringify({ pid: process.ppid }))
    const busy = restore(app.dir, `--from=${file}`)
    expect(busy.status).toBe(1)
    expect(busy.stderr).toContain('使用中')
    app.close()
    fs.rmSync(path.join(app.dir, 'ledger-in-use.json'))
    fs.writeFileSync(file, 'not a ledger')
    const bad = restore(app.dir, `--from=${file}`)
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('破損')
    expect(fs.existsSync(path.join(app.dir, 'replaced'))).toBe(false)
  })

  it('the start-up refusal names the backup a restore would use', async () => {
    app = await withPrints()
    const job = await runBackup(app.ctx, 'manual', null)
    closeCheckpointed(app.ctx.sqlite)
    fs.writeFileSync(path.join(app.dir, 'ledger.sqlite'), 'garbage')
    const err = await openApp({ dataDir: app.dir, demo: true, transport: 'ipc', version: 't', autoBackup: false }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).message).toContain(job.result!.name)
  })
})

/** A verified backup into the data folder's own backups/ of a damaged ledger's folder: made from
 * the last good automatic copy so the test has one that lacks the PDF beside it. */
async function runBackupOfCopy(dataDir: string): Promise<string> {
  const src = fs.readdirSync(process.env.OTP_BACKUP_DIR!).find((f) => f.endsWith('.sqlite'))!
  const dest = path.join(dataDir, 'backups', 'ledger-manual-20261121T000000000Z.sqlite')
  fs.mkdirSync(path.dirname(dest), { recursive: true })
  fs.copyFileSync(path.join(process.env.OTP_BACKUP_DIR!, src), dest)
  return dest
}
