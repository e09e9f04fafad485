// Moving from one PC to the server (issue 12): a SQLite ledger with every kind of row, made through
// the real services, copied into an empty PostgreSQL ledger (db/pg/copy.ts): the same rows, the
// journal verifying on PostgreSQL with the copy's own entry, sequences continuing, the PDFs in the
// ledger; and every refusal (a non-empty target, a tampered source, an old source, a missing or
// altered PDF, a copy that came out different) leaves the target as it was.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentDigest, formatDigest, journaledTables, ledgerTransaction, registerFunctions } from '../../db/journal'
import { openSqlite } from '../../db/open'
import { CopyRefused, copyToPg, type CopyReport } from '../../db/pg/copy'
import { pgQuery, verifyPgChain } from '../../db/pg/journal'
import { migratePg, pgSchemaVersion } from '../../db/pg/migrate'
import { createTestApp, tempDir } from '../helpers/app'
import { baseForm, customersIn, newApplicationForm, suspensionForm, unlockForm } from '../helpers/forms'
import { closeCheckpointed } from '../helpers/ledgerFiles'
import { createTestLedger, type TestLedger } from '../helpers/pg'
import { DEMO_PASSWORD } from '../../db/seed'

const ROOT = path.resolve(__dirname, '../..')
const ledgers: TestLedger[] = []
let source = '' // the data folder of the demo ledger (never changed; tests copy it)

afterAll(async () => {
  for (const l of ledgers) await l.drop()
})

/** A counter day through the dispatcher: every kind of row the ledger has. */
async function demoLedger(): Promise<string> {
  const app = await createTestApp()
  await app.loginAs('teller1', 't1')
  await app.loginAs('teller2', 't2')
  await app.loginAs('super1', 's1')
  await app.loginAs('admin1', 'a')
  const unregistered = customersIn(app.ctx, 'unregistered')
  const inUse = customersIn(app.ctx, 'in_use')
  const blocked = customersIn(app.ctx, 'blocked')
  // New application received, approved, printed (a PDF in the archive), reprinted.
  const na = await app.ok('requests.receiveNewApplication', newApplicationForm(unregistered[0]!), 't1')
  await app.ok('requests.approve', { requestId: na.id, version: na.version }, 's1')
  await app.ok('forms.print', { form: 'customer_receipt', requestId: na.id }, 't1')
  await app.ok('forms.print', { form: 'customer_receipt', requestId: na.id }, 't1')
  // Returned, resubmitted, approved (request versions); returned and withdrawn.
  const cancel = await app.ok('requests.receiveCancellation', baseForm(inUse[0]!), 't1')
  const back = await app.ok('requests.return', { requestId: cancel.id, version: cancel.version, reason: '記載漏れ' }, 's1')
  const again = await app.ok('requests.resubmit', { requestId: cancel.id, version: back.version, form: { kind: 'cancellation', ...baseForm(inUse[0]!) } }, 't1')
  await app.ok('requests.approve', { requestId: cancel.id, version: again.version }, 's1')
  const susp = await app.ok('requests.receiveSuspension', { ...baseForm(inUse[1]!), reason: 'broken' }, 't2')
  const back2 = await app.ok('requests.return', { requestId: susp.id, version: susp.version, reason: '届出印が不鮮明' }, 's1')
  await app.ok('requests.withdraw', { requestId: susp.id, version: back2.version, reason: 'お客さまのお申し出' }, 't2')
  // An unlock approved with 役席認証 at the counter.
  const unlock = await app.ok('requests.receiveUnlock', unlockForm(blocked[0]!), 't1')
  await app.ok('requests.decideUnlock', { requestId: unlock.id, version: unlock.version, supervisorLoginId: 'super1', supervisorPassword: DEMO_PASSWORD, decision: 'approve' }, 't1')
  // An open unlock superseded by an urgent stop (otp_requests.superseded_by names a later request).
  const open = await app.ok('requests.receiveUnlock', unlockForm(blocked[1]!), 't2')
  await app.ok('requests.receiveSuspension', suspensionForm(blocked[1]!), 't1')
  void open
  // A refusal at the counter (counter_refusals), a refused command (audited), staff changes, a setting.
  await app.ok('refusals.recordUnlockFraud', { customerId: blocked[2]!.id, verification: { othersMayHaveTried: true, blockAccount: '知らない間にロック' } }, 't1')
  await app.err('requests.approve', { requestId: na.id, version: na.version }, 't1')
  const created = await app.ok('staff.create', { loginId: 'teller7', name: '窓口 七子', role: 'teller', password: 'password-2026x' }, 'a')
  await app.ok('staff.rename', { staffId: created.id, name: '窓口 七海' }, 'a')
  await app.ok('staff.changeRole', { staffId: created.id, role: 'supervisor', confirmation: { loginId: 'super1', password: DEMO_PASSWORD } }, 'a')
  await app.ok('settings.update', { unlockRepeatDays: 45 }, 'a')
  // The supervisor's 日次取扱一覧 (a print without a request).
  await app.ok('forms.printDailyJournal', { businessDate: '2026-11-21' }, 's1')
  const dir = app.dir
  closeCheckpointed(app.ctx.sqlite)
  return dir
}

/** A copy of the demo data folder (ledger and forms/) to change or copy from. */
function sourceCopy(): { dir: string; file: string } {
  const dir = tempDir('otp-copy-src-')
  fs.copyFileSync(path.join(source, 'ledger.sqlite'), path.join(dir, 'ledger.sqlite'))
  fs.cpSync(path.join(source, 'forms'), path.join(dir, 'forms'), { recursive: true })
  return { dir, file: path.join(dir, 'ledger.sqlite') }
}

async function target(): Promise<TestLedger> {
  const l = await createTestLedger()
  ledgers.push(l)
  return l
}

async function copy(l: TestLedger, file: string): Promise<CopyReport> {
  const c = await l.owner()
  try {
    return await copyToPg({ sqliteFile: file, client: c, appRole: l.appRole, osUser: os.userInfo().username })
  } finally {
    await c.end()
  }
}

async function refusal(l: TestLedger, file: string): Promise<CopyRefused> {
  const e = await copy(l, file).then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(CopyRefused)
  return e as CopyRefused
}

/** Every row of every table of the target (counts and the journal head), to show nothing changed. */
async function targetState(l: TestLedger): Promise<string> {
  const c = await l.owner()
  try {
    const tables = (await c.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_version' ORDER BY 1")).rows
    const out: Record<string, unknown> = {}
    for (const { t } of tables) out[t] = (await c.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${t} x`)).rows[0]
    return JSON.stringify(out)
  } finally {
    await c.end()
  }
}

const TABLE_KEYS: Record<string, string> = { receipt_counters: 'branch_code, business_date', otp_request_versions: 'request_id, seq', ledger_journal_rows: 'entry_id, seq', settings: 'key', request_submissions: 'key' }
const keyOf = (t: string) => TABLE_KEYS[t] ?? 'id'

beforeAll(async () => {
  source = await demoLedger()
}, 120_000)

describe('npm run ledger:copy-to-pg', () => {
  let l: TestLedger
  let report: CopyReport
  const src = () => openSqlite(path.join(source, 'ledger.sqlite'), { readonly: true })

  beforeAll(async () => {
    l = await target()
    report = await copy(l, sourceCopy().file)
  }, 120_000)

  it('copies every table: the same counts and the same rows (booleans 0/1 → boolean), ids kept', async () => {
    const s = src()
    const c = await l.owner()
    try {
      const tables = s.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]
      expect(report.tables.map((t) => t.table).sort()).toEqual(tables)
      for (const t of tables) {
        const mine = s.prepare(`SELECT * FROM ${t} ORDER BY ${keyOf(t)}`).raw(true).all() as unknown[][]
        const theirs = (await pgQuery<unknown[]>(c, `SELECT * FROM ${t} ORDER BY ${keyOf(t)}`, [], 'array')).rows as unknown[][]
        const audit = t === 'audit_log' ? 1 : t === 'ledger_journal' ? 1 : 0 // the copy's own rows
        const journalRows = t === 'ledger_journal_rows' ? 1 : 0
        expect(theirs.length, t).toBe(mine.length + audit + journalRows)
        expect(report.tables.find((x) => x.table === t)!.rows, t).toBe(mine.length)
        const norm = theirs.slice(0, mine.length).map((r) => r.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)))
        expect(norm, t).toEqual(mine)
      }
      // Each kind of row is there: versions, a superseded request, a refusal, a 役席認証 approval, prints.
      const n = (sql: string) => Number((s.prepare(sql).pluck().get() as number) ?? 0)
      expect(n('SELECT count(*) FROM otp_request_versions')).toBeGreaterThan(0)
      expect(n("SELECT count(*) FROM otp_requests WHERE state = 'superseded'")).toBe(1)
      expect(n("SELECT count(*) FROM otp_requests WHERE state = 'withdrawn'")).toBe(1)
      expect(n('SELECT count(*) FROM counter_refusals')).toBe(1)
      expect(n("SELECT count(*) FROM audit_log WHERE action = 'auth.supervisorAuth'")).toBeGreaterThan(0)
      expect(n('SELECT count(*) FROM printed_forms')).toBe(3)
      const bools = (await c.query("SELECT seal_matched, urgent FROM otp_requests WHERE state = 'superseded'")).rows[0]
      expect(typeof bools.seal_matched).toBe('boolean')
    } finally {
      s.close()
      await c.end()
    }
  })

  it('the journal verifies on PostgreSQL, the copy audited as its last entry, chained to the copied head', async () => {
    const s = src()
    const c = await l.owner()
    try {
      const before = currentDigest(s)
      const chain = await verifyPgChain(c)
      expect(chain.break).toBeNull()
      expect(chain.checked).toBe(before.count + 1)
      expect(report.sourceDigest).toBe(formatDigest(before))
      expect(report.digest).toBe(formatDigest({ count: chain.last.id, hash: chain.last.hash }))
      // The copied rows were not noted for a terminal's journal entry (0004's triggers were off), and
      // the copy's own notes were taken with its entry; the triggers are on again.
      expect((await c.query('SELECT count(*)::int AS n FROM ledger_pending')).rows[0].n).toBe(0)
      expect((await c.query(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'ledger_capture' AND tgenabled = 'O'`)).rows[0].n).toBe(12)
      const entry = (await pgQuery<Record<string, unknown>>(c, 'SELECT * FROM ledger_journal ORDER BY id DESC LIMIT 1')).rows[0]!
      expect(entry).toMatchObject({ id: before.count + 1, prev_hash: before.hash, action: 'ledger.copyToServer', outcome: 'ok', origin: 'command', actor_login_id: `machine:${os.userInfo().username}`, audit_id: report.auditId })
      const audit = (await pgQuery<Record<string, unknown>>(c, 'SELECT * FROM audit_log WHERE id = $1', [report.auditId])).rows[0]!
      expect(audit).toMatchObject({ action: 'ledger.copyToServer', outcome: 'ok', actor_id: null, actor_login_id: `machine:${os.userInfo().username}` })
      const detail = JSON.parse(audit.detail_json as string)
      expect(detail).toMatchObject({ source: path.resolve(detail.source), sourceDigest: formatDigest(before), forms: 3 })
      expect(detail.rows.customers).toBe(s.prepare('SELECT count(*) FROM customers').pluck().get())
      // The entry's row is the audit row in SQLite's own encoding: the same row written into a
      // SQLite ledger encodes (json_array, as db/journal.ts captures it) to the same text.
      const rows = (await pgQuery<{ tbl: string; row_key: string; row_json: string }>(c, 'SELECT tbl, row_key, row_json FROM ledger_journal_rows WHERE entry_id = $1', [entry.id])).rows
      expect(rows.map((r) => [r.tbl, r.row_key])).toEqual([['audit_log', String(report.auditId)]])
      const mem = new Database(':memory:')
      mem.pragma('foreign_keys = OFF')
      mem.exec(s.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit_log'").pluck().get() as string)
      const cols = Object.keys(audit)
      mem.prepare(`INSERT INTO audit_log (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((k) => audit[k] as never))
      registerFunctions(mem)
      const shape = journaledTables(mem).find((t) => t.name === 'audit_log')!
      expect(mem.prepare(`SELECT ${shape.stateExpr} FROM audit_log t`).pluck().get()).toBe(rows[0]!.row_json)
      mem.close()
    } finally {
      s.close()
      await c.end()
    }
  })

  it('identity sequences continue after the largest id copied (an INSERT without id gets max + 1)', async () => {
    const app = await l.app()
    await app.query('BEGIN')
    try {
      const r = await app.query("INSERT INTO branches (code, name) VALUES ('099', '新支店') RETURNING id")
      expect(Number(r.rows[0].id)).toBe(Number((await app.query("SELECT max(id) AS m FROM branches WHERE code <> '099'")).rows[0].m) + 1)
      const a = await app.query("INSERT INTO audit_log (at, action, outcome) VALUES ('2026-11-22T00:00:00Z', 'x', 'ok') RETURNING id")
      expect(Number(a.rows[0].id)).toBe(report.auditId + 1)
    } finally {
      await app.query('ROLLBACK')
    }
  })

  it('the archived PDFs are in the ledger, byte for byte, and the application role cannot change them', async () => {
    const c = await l.owner()
    const s = src()
    try {
      const prints = s.prepare('SELECT id, file_path, sha256 FROM printed_forms ORDER BY id').all() as Array<{ id: number; file_path: string; sha256: string }>
      const files = (await pgQuery<{ printed_form_id: number; sha256: string; pdf: Buffer }>(c, 'SELECT * FROM printed_form_files ORDER BY printed_form_id')).rows
      expect(files.map((f) => [f.printed_form_id, f.sha256])).toEqual(prints.map((p) => [p.id, p.sha256]))
      for (const p of prints) expect(files.find((f) => f.printed_form_id === p.id)!.pdf.equals(fs.readFileSync(path.join(source, p.file_path)))).toBe(true)
      const app = await l.app()
      await expect(app.query('UPDATE printed_form_files SET pdf = $1', [Buffer.from('x')])).rejects.toThrow(/permission denied/)
      await expect(app.query('DELETE FROM printed_form_files')).rejects.toThrow(/permission denied/)
      await expect(c.query('DELETE FROM printed_form_files')).rejects.toThrow(/append-only/)
    } finally {
      s.close()
      await c.end()
    }
  })

  it('a second copy into the now non-empty target is refused (command line: exit 1, code and message) and changes nothing', async () => {
    const before = await targetState(l)
    const { file } = sourceCopy()
    const e = await refusal(l, file)
    expect(e.code).toBe('TARGET_NOT_EMPTY')
    expect(e.message).toMatch(/移行先の台帳は空ではありません（.+ に行があります）/)
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/copy-to-pg.ts', `--from=${path.dirname(file)}`, `--url=${l.ownerUrl}`, `--app-role=${l.appRole}`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(cli.status, cli.stderr).toBe(1)
    expect(cli.stderr).toContain('(TARGET_NOT_EMPTY)')
    expect(await targetState(l)).toBe(before)
  }, 90_000)
})

describe('a source the app goes on writing to during the copy', () => {
  it('copies one snapshot: the rows verified, whose digest the audit names, and nothing written after', async () => {
    const l = await target()
    const { file } = sourceCopy()
    const writer = openSqlite(file)
    const before = currentDigest(writer)
    let writes = 0
    const timer = setInterval(() => {
      ledgerTransaction(writer, () => {
        writer.prepare("INSERT INTO audit_log (at, action, outcome) VALUES (?, 'test.write', 'ok')").run(new Date().toISOString())
      })
      writes++
    }, 1)
    let report: CopyReport
    try {
      report = await copy(l, file)
    } finally {
      clearInterval(timer)
    }
    expect(writes).toBeGreaterThan(0)
    expect(currentDigest(writer).count).toBeGreaterThan(before.count)
    writer.close()
    const c = await l.owner()
    try {
      const copiedHead = (await pgQuery<{ id: number; hash: string }>(c, 'SELECT id, hash FROM ledger_journal WHERE id < (SELECT max(id) FROM ledger_journal) ORDER BY id DESC LIMIT 1')).rows[0]!
      expect(report.sourceDigest).toBe(formatDigest({ count: copiedHead.id, hash: copiedHead.hash }))
      const audit = (await pgQuery<{ n: number }>(c, "SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.write'")).rows[0]!
      const inJournal = (await pgQuery<{ n: number }>(c, "SELECT count(*)::int AS n FROM ledger_journal WHERE action = 'test.write'")).rows[0]!
      expect(audit.n).toBe(inJournal.n)
      expect((await verifyPgChain(c)).break).toBeNull()
    } finally {
      await c.end()
    }
  })
})

describe('refusals leave the target as it was', () => {
  it('the command line copies into an empty database with no schema (migrated first) and exits 0', async () => {
    const l = await target()
    const { dir } = sourceCopy()
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/copy-to-pg.ts', `--from=${dir}`, `--url=${l.ownerUrl}`, `--app-role=${l.appRole}`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(cli.status, cli.stderr).toBe(0)
    expect(cli.stdout).toMatch(/台帳をサーバーへ移しました/)
    const c = await l.owner()
    expect((await verifyPgChain(c)).break).toBeNull()
    await c.end()
  }, 90_000)

  it('a source with a row changed behind the app (fails ledger:verify) is refused, naming the row; nothing is created', async () => {
    const l = await target()
    const { file } = sourceCopy()
    const db = new Database(file)
    const id = db.prepare("SELECT id FROM customers WHERE otp_status = 'in_use' ORDER BY id LIMIT 1").pluck().get() as number
    db.prepare("UPDATE customers SET name_kanji = '改ざん 太郎' WHERE id = ?").run(id)
    db.close()
    const e = await refusal(l, file)
    expect(e.code).toBe('SOURCE_NOT_VERIFIED')
    expect(e.message).toContain(`customers の行 ${id}`)
    const c = await l.owner()
    expect(await pgSchemaVersion(c)).toBe(0)
    await c.end()
  })

  it('a source not at the latest schema version is refused: start the app once first', async () => {
    const l = await target()
    const { file } = sourceCopy()
    const db = new Database(file)
    const v = db.pragma('user_version', { simple: true }) as number
    db.pragma(`user_version = ${v - 1}`)
    db.close()
    const e = await refusal(l, file)
    expect(e.code).toBe('SOURCE_NOT_LATEST')
    expect(e.message).toContain('アプリを一度起動')
  })

  it('a missing or an altered archived PDF refuses the copy with its name; no row is left in the target', async () => {
    for (const damage of ['missing', 'altered'] as const) {
      const l = await target()
      const { dir, file } = sourceCopy()
      const db = new Database(file, { readonly: true })
      const p = db.prepare("SELECT file_path FROM printed_forms WHERE form_kind = 'customer_receipt' ORDER BY id DESC LIMIT 1").pluck().get() as string
      db.close()
      if (damage === 'missing') fs.rmSync(path.join(dir, p))
      else fs.appendFileSync(path.join(dir, p), '%% changed\n')
      const e = await refusal(l, file)
      expect(e.code).toBe(damage === 'missing' ? 'ARCHIVE_FILE_MISSING' : 'ARCHIVE_FILE_ALTERED')
      expect(e.message).toContain(p)
      const state = JSON.parse(await targetState(l)) as Record<string, { n: number }>
      expect(Object.entries(state).filter(([, v]) => v.n > 0)).toEqual([])
    }
  })

  it('a copy that comes out different is rolled back, naming the table and the first differing key', async () => {
    const l = await target()
    const c = await l.owner()
    await migratePg(c, { appRole: l.appRole })
    // The target changes one customer as it is written (a fault the copy must catch).
    const id = 3
    await c.query(`CREATE FUNCTION otp_test_garble() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = ${id} THEN NEW.phone := '000-0000-0000'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER otp_test_garble BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION otp_test_garble();`)
    await c.end()
    const e = await refusal(l, sourceCopy().file)
    expect(e.code).toBe('COPY_DIFFERS')
    expect(e.message).toContain('表 customers')
    expect(e.message).toContain(`キー [${id}]`)
    const state = JSON.parse(await targetState(l)) as Record<string, { n: number }>
    expect(Object.entries(state).filter(([, v]) => v.n > 0)).toEqual([])
  })
})
