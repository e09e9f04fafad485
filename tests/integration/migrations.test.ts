import fs from 'node:fs'
import path from 'node:path'
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import { afterEach, describe, expect, it } from 'vitest'
import { backupLedger, migrate, schemaVersion } from '../../db/migrate'
import { MIGRATIONS, LATEST_SCHEMA_VERSION } from '../../db/migrations'
import { openSqlite, type Sqlite } from '../../db/open'
import * as schema from '../../db/schema'
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

describe('migrations', () => {
  it('0001 creates the ledger from nothing, without a backup of an empty file', () => {
    const { dir, db } = fresh()
    const r = migrate(db, { backupDir: path.join(dir, 'backups') })
    expect(r).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION, backupFile: null })
    expect(schemaVersion(db)).toBe(MIGRATIONS.length)
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as { name: string }[]).map((t) => t.name)
    expect(tables).toEqual(expect.arrayContaining(['audit_log', 'branches', 'customers', 'otp_history', 'otp_requests', 'staff']))
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false)
  })

  it('runs again as a no-op', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups') })
    expect(migrate(db, { backupDir: path.join(dir, 'backups') })).toEqual({ from: 1, to: 1, backupFile: null })
  })

  it('backs the file up before upgrading an existing ledger, and the backup holds the old data', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups') })
    db.prepare("INSERT INTO settings(key, value) VALUES ('marker', 'before-v2')").run()
    const next = [...MIGRATIONS, { version: 2, name: 'test', sql: 'ALTER TABLE settings ADD COLUMN note TEXT;' }]
    const r = migrate(db, { backupDir: path.join(dir, 'backups'), migrations: next })
    expect(r.from).toBe(1)
    expect(r.to).toBe(2)
    expect(r.backupFile).toMatch(/ledger-v1-\d{8}T\d{9}Z\.sqlite$/)
    const backup = openSqlite(r.backupFile!, { readonly: true })
    open.push(backup)
    expect(schemaVersion(backup)).toBe(1)
    expect(backup.prepare("SELECT value FROM settings WHERE key='marker'").get()).toEqual({ value: 'before-v2' })
  })

  it('a failing migration leaves the ledger at the previous version', () => {
    const { dir, db } = fresh()
    migrate(db, { backupDir: path.join(dir, 'backups') })
    const bad = [...MIGRATIONS, { version: 2, name: 'bad', sql: 'CREATE TABLE x(a); THIS IS NOT SQL;' }]
    expect(() => migrate(db, { backupDir: path.join(dir, 'backups'), migrations: bad })).toThrow()
    expect(schemaVersion(db)).toBe(1)
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
    expect(x!.sqlite.prepare('SELECT count(*) AS n FROM staff').get()).toEqual({ n: 5 })
    x!.sqlite.close()
    y!.sqlite.close()
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
