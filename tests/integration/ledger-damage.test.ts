// Issue 16, cases 2 and 3 on real files: a folder that held a ledger is never opened as a new
// one, damage is found at start and named with the latest backup and the restore command, damage
// deeper in the file answers LEDGER_DAMAGED at run time (not INTERNAL), and a backup finds it in full.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { backupDirOf, writeBackup } from '../../db/backup'
import { openApp } from '../../electron/main/ledger'
import { AppError } from '../../shared/errors'
import { createTestApp, tempDir } from '../helpers/app'
import { addCustomers, closeCheckpointed, middleLeafPage, overwritePage } from '../helpers/ledgerFiles'

const open = (dataDir: string, extra: Partial<Parameters<typeof openApp>[0]> = {}) =>
  openApp({ dataDir, demo: false, transport: 'ipc', version: 'test', ...extra })

async function refusal(dataDir: string): Promise<AppError> {
  const err = await open(dataDir).then(
    (ctx) => {
      ctx.sqlite!.close()
      return null
    },
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

/** A production-style ledger with one verified backup, closed. */
async function usedFolder(): Promise<{ dir: string; file: string; backup: string }> {
  const app = await createTestApp()
  const b = await writeBackup(app.ctx.sqlite, { dir: backupDirOf(app.dir, {}), kind: 'manual', dataDir: app.dir })
  expect(b.check?.ok).toBe(true)
  closeCheckpointed(app.ctx.sqlite)
  return { dir: app.dir, file: path.join(app.dir, 'ledger.sqlite'), backup: b.file }
}

describe('a folder that held a ledger', () => {
  it('refuses a deleted ledger, names the latest backup and the commands, and creates nothing', async () => {
    const { dir, file, backup } = await usedFolder()
    fs.rmSync(file)
    const e = await refusal(dir)
    expect(e.code).toBe('LEDGER_MISSING')
    expect(e.message).toContain('ありません')
    expect(e.message).toContain(backup)
    expect(e.message).toContain(`npm run restore -- --data-dir="${dir}"`)
    expect(e.message).toContain('npm run ledger:new')
    expect(fs.existsSync(file)).toBe(false)
  })

  it('refuses an empty (0-byte) ledger the same way', async () => {
    const { dir, file } = await usedFolder()
    fs.writeFileSync(file, '')
    const e = await refusal(dir)
    expect(e.code).toBe('LEDGER_MISSING')
    expect(e.message).toContain('空です')
    expect(fs.statSync(file).size).toBe(0)
  })

  it('recognises the folder by its logs alone, or by the marker alone', async () => {
    const { dir, file } = await usedFolder()
    fs.rmSync(file)
    fs.rmSync(path.join(dir, 'backups'), { recursive: true })
    expect((await refusal(dir)).code).toBe('LEDGER_MISSING')
    fs.rmSync(path.join(dir, 'logs'), { recursive: true })
    expect((await refusal(dir)).code).toBe('LEDGER_MISSING') // ledger-marker.json
  })

  it('a truly new folder still opens as a new ledger (first-administrator setup)', async () => {
    const ctx = await open(tempDir())
    expect(ctx.sqlite!.prepare('SELECT count(*) FROM staff').pluck().get()).toBe(0)
    ctx.sqlite!.close()
  })

  it('a new ledger over the traces is possible only when asked for explicitly', async () => {
    const { dir, file } = await usedFolder()
    fs.rmSync(file)
    const ctx = await open(dir, { newLedgerOverTraces: true })
    expect(ctx.sqlite!.prepare('SELECT count(*) FROM staff').pluck().get()).toBe(0)
    ctx.sqlite!.close()
  })
})

describe('a damaged ledger at start', () => {
  const cases: Array<[string, (file: string) => void, RegExp]> = [
    ['overwritten with something that is not SQLite', (f) => fs.writeFileSync(f, 'これは台帳ではありません\n'.repeat(500)), /SQLite の台帳ではない/],
    ['truncated to half its size', (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2 / 4096) * 4096 + 100), /途中で切れて/],
    ['truncated to a whole number of pages', (f) => fs.truncateSync(f, 4096 * 3), /途中で切れて/],
    ['its schema page overwritten', (f) => overwritePage(f, 1, 4096) /* header kept below */, /破損/],
  ]
  for (const [what, damage, detail] of cases) {
    it(`is refused when ${what}, with the latest backup and no developer hint`, async () => {
      const { dir, file, backup } = await usedFolder()
      if (what.includes('schema page')) {
        const head = Buffer.alloc(100)
        const fd = fs.openSync(file, 'r')
        fs.readSync(fd, head, 0, 100, 0)
        fs.closeSync(fd)
        damage(file)
        const w = fs.openSync(file, 'r+')
        fs.writeSync(w, head, 0, 100, 0) // a valid header over a garbage page: only reading the schema finds it
        fs.closeSync(w)
      } else damage(file)
      const e = await refusal(dir)
      expect(e.code).toBe('LEDGER_DAMAGED')
      expect(e.message).toMatch(detail)
      expect(e.message).toContain(backup)
      expect(e.message).toContain('npm run restore')
      expect(e.message).not.toContain('electron:native')
    })
  }
})

describe('damage deeper in the file', () => {
  it('answers LEDGER_DAMAGED (not INTERNAL) on the screen that reads it, and the process goes on', async () => {
    const first = await createTestApp()
    addCustomers(first.ctx.sqlite, 5000)
    closeCheckpointed(first.ctx.sqlite)
    // Opened once more: the start check verifies the new rows' journal entry and moves its
    // checkpoint past it, so the next start reads none of those pages.
    const app = await createTestApp({ dir: first.dir })
    const { page, pageSize } = middleLeafPage(app.ctx.sqlite, 'customers')
    closeCheckpointed(app.ctx.sqlite)
    overwritePage(path.join(app.dir, 'ledger.sqlite'), page, pageSize)

    const again = await createTestApp({ dir: app.dir }) // the quick check at start does not read that page
    await again.loginAs('teller1')
    const codes = new Set<string>()
    for (let id = 51; id <= 5050; id += 7) {
      const r = await again.raw('customers.get', { customerId: id })
      if (!r.ok) codes.add(r.error.code)
    }
    expect([...codes]).toEqual(['LEDGER_DAMAGED'])
    expect((await again.raw('system.info', {})).ok).toBe(true)
    const log = fs.readFileSync(path.join(app.dir, 'logs', 'app.log'), 'utf8')
    expect(log).toContain('"code":"LEDGER_DAMAGED"')

    // A backup finds it in full: the copy fails its integrity check and says so.
    const b = await writeBackup(again.ctx.sqlite, { dir: path.join(app.dir, 'backups'), kind: 'manual', dataDir: app.dir })
    expect(b.check?.ok).toBe(false)
    expect(b.check?.integrity).not.toBe('ok')
    again.close()

    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', `--data-dir=${app.dir}`], { encoding: 'utf8' })
    expect(cli.status).toBe(1)
    expect(cli.stderr).toMatch(/破損|integrity/)
    expect(cli.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })
})
