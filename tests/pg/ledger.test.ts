// The PostgreSQL ledger behind the services' Ledger interface (db/pg/ledger.ts), connected as the
// application role, as a terminal is: the same drizzle sqlite-core queries give the same JS values
// as on a SQLite ledger, and the same writes give the same journal, entry for entry, hash for hash.
// Then what only a server has: a failed write leaves nothing, savepoints, two terminals writing at
// once, NOTIFY to the other terminals, a lost connection and a server that is not there.
import path from 'node:path'
import { and, count, desc, eq, gt, sql } from 'drizzle-orm'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqliteLedger, type Ledger, type LedgerDb } from '../../db/ledger'
import { migrate } from '../../db/migrate'
import { openSqlite, wrapDrizzle, type Sqlite } from '../../db/open'
import { manyRows, preparedQuery } from '../../db/prepared'
import { verifyPgChain } from '../../db/pg/journal'
import { openPgLedger } from '../../db/pg/ledger'
import { migratePg } from '../../db/pg/migrate'
import { listenLedger } from '../../db/pg/notify'
import { auditLog, branches, receiptCounters, settings, staff } from '../../db/schema'
import { AppError } from '../../shared/errors'
import { tempDir } from '../helpers/app'
import { connect, createTestLedger, serverUrl, type TestLedger } from '../helpers/pg'

const AT = '2026-11-20T05:00:00.000Z'
/** `.run()`'s changes (better-sqlite3's RunResult on SQLite, { changes } on PostgreSQL; LedgerDb's type has neither). */
const changes = (r: unknown) => (r as { changes: number }).changes
const fallback = (action: string) => ({ at: AT, actorId: null, actorLoginId: 'test', action, outcome: 'ok' })

let l: TestLedger
let pgL: Ledger
let sqlite: Sqlite
let sqL: Ledger
const closers: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  l = await createTestLedger()
  const o = await l.owner()
  await migratePg(o, { appRole: l.appRole })
  await o.end()
  pgL = await openPgLedger(l.appUrl)
  closers.push(() => pgL.close())
  const dir = tempDir()
  sqlite = openSqlite(path.join(dir, 'ledger.sqlite'))
  migrate(sqlite, { backupDir: path.join(dir, 'backups') })
  sqL = sqliteLedger(sqlite, wrapDrizzle(sqlite))
})
afterAll(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {})
  sqlite?.close()
  await l?.drop()
})

/** The same service-style work on either ledger; what each step returned. */
async function scenario(L: Ledger): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  out.branch = await L.write((tx) => tx.insert(branches).values({ code: '001', name: '本店営業部' }).returning(), fallback('seed.branch'))
  out.branch2 = await L.write((tx) => tx.insert(branches).values({ code: '002', name: '駅前支店' }).returning({ id: branches.id }).get(), fallback('seed.branch'))
  const newStaff = (loginId: string, branchId: number) => ({
    loginId,
    name: `職員 ${loginId}`,
    role: 'teller' as const,
    branchId,
    passwordHash: `hash-${loginId}`,
    createdAt: AT,
    loginKey: loginId,
  })
  // A service write: the rows and its audit row (the entry's header).
  out.staff = await L.write(async (tx) => {
    const s = await tx.insert(staff).values(newStaff('teller1', 1)).returning().get()
    await tx.insert(staff).values({ ...newStaff('super1', 2), role: 'supervisor', retiredAt: null, mustChangePassword: true }).run()
    await tx
      .insert(auditLog)
      .values({ at: AT, actorId: s.id, actorLoginId: 'teller1', action: 'staff.create', outcome: 'ok', target: `staff:${s.id}`, detailJson: JSON.stringify({ reason: '新任', flag: true, off: false, n: 3 }) })
      .run()
    return s
  })
  out.selectWhereOrderLimit = await L.db.select().from(staff).where(eq(staff.active, true)).orderBy(desc(staff.id)).limit(5).all()
  out.selectOffset = await L.db.select({ id: staff.id }).from(staff).orderBy(staff.id).limit(1).offset(1)
  out.join = await L.db
    .select({ login: staff.loginId, branch: branches.name, must: staff.mustChangePassword })
    .from(staff)
    .innerJoin(branches, eq(branches.id, staff.branchId))
    .orderBy(staff.loginId)
    .all()
  out.leftJoin = await L.db.select({ code: branches.code, login: staff.loginId }).from(branches).leftJoin(staff, eq(staff.retiredAt, branches.name)).all()
  out.count = await L.db.select({ n: count() }).from(staff).get()
  out.rawCount = await L.db.select({ n: sql<number>`count(*)` }).from(staff).where(eq(staff.role, 'teller')).get()
  out.none = await L.db.select().from(staff).where(eq(staff.loginId, 'nobody')).get()
  // nextReceiptNo: the daily counter, an upsert, three times.
  out.receipts = []
  for (let i = 0; i < 3; i++)
    (out.receipts as unknown[]).push(
      await L.write(
        (tx) =>
          tx
            .insert(receiptCounters)
            .values({ branchCode: '001', businessDate: '2026-11-20', lastSeq: 1 })
            .onConflictDoUpdate({ target: [receiptCounters.branchCode, receiptCounters.businessDate], set: { lastSeq: sql`${receiptCounters.lastSeq} + 1` } })
            .returning({ seq: receiptCounters.lastSeq })
            .get(),
        fallback('receipt'),
      ),
    )
  // Optimistic version: the second update of the same version changes nothing.
  const bump = (tx: LedgerDb) =>
    tx
      .update(staff)
      .set({ authVersion: sql`${staff.authVersion} + 1`, active: false, lockedAt: AT })
      .where(and(eq(staff.loginId, 'teller1'), eq(staff.authVersion, 1)))
      .run()
  out.changes1 = changes(await L.write(bump, fallback('lock')))
  out.changes2 = changes(await L.write(bump, fallback('lock')))
  out.booleans = await L.db.select({ active: staff.active, must: staff.mustChangePassword, v: staff.authVersion }).from(staff).orderBy(staff.id).all()
  out.byBoolean = await L.db.select({ id: staff.id }).from(staff).where(eq(staff.active, false)).all()
  await L.write((tx) => tx.insert(settings).values([{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }]).run(), fallback('settings'))
  out.upsertSetting = await L.write(async (
    tx) => changes(await tx.insert(settings).values({ key: 'b', value: '20' }).onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value` } }).run()),
    fallback('settings'),
  )
  out.settings = await L.db.select().from(settings).orderBy(settings.key).all()
  // A prepared query with placeholders (db/prepared.ts), run twice with other values.
  const byLogin = preparedQuery(L.db as never, 'test.byLogin', (db: LedgerDb) =>
    db.select({ id: staff.id, name: staff.name, active: staff.active }).from(staff).where(eq(staff.loginId, sql.placeholder('login'))).prepare(),
  )
  out.prepared1 = await byLogin.get({ login: 'teller1' })
  out.prepared2 = await byLogin.all({ login: 'super1' })
  out.prepared3 = await byLogin.get({ login: 'nobody' })
  // Many rows mapped once per column (manyRows, as the 日次取扱一覧 reads its lines): the same
  // objects as drizzle's all(), booleans, NULLs of a left join and sql expressions included.
  const lines = preparedQuery(L.db as never, 'test.lines', (db: LedgerDb) =>
    db
      .select({
        id: staff.id,
        login: staff.loginId,
        active: staff.active,
        must: staff.mustChangePassword,
        retired: staff.retiredAt,
        branch: branches.name,
        peers: sql<number>`(SELECT count(*) FROM staff s2 WHERE s2.branch_id = ${staff.branchId})`,
        tagged: sql<number | null>`CASE WHEN ${staff.role} = 'supervisor' THEN 1 END`,
      })
      .from(staff)
      .leftJoin(branches, and(eq(branches.id, staff.branchId), eq(branches.code, '001')))
      .where(gt(staff.id, sql.placeholder('after')))
      .orderBy(staff.id)
      .prepare(),
  )
  out.manyRows = await manyRows(lines)({ after: 0 })
  expect(out.manyRows).toEqual(await lines.all({ after: 0 }))
  expect(await manyRows(lines)({ after: 1000 })).toEqual([])
  out.values = await L.db.select({ id: staff.id, login: staff.loginId }).from(staff).orderBy(staff.id).values()
  // json_extract, as services/journal.ts and auditLog.ts use it.
  out.json = await L.db
    .select({
      reason: sql`json_extract(${auditLog.detailJson}, '$.reason')`,
      flag: sql`json_extract(${auditLog.detailJson}, '$.flag')`,
      off: sql`json_extract(${auditLog.detailJson}, '$.off')`,
      n: sql`json_extract(${auditLog.detailJson}, '$.n')`,
      missing: sql`json_extract(${auditLog.detailJson}, '$.missing')`,
    })
    .from(auditLog)
    .all()
  // A hand-written SELECT (objects keyed by alias, camelCase kept).
  out.rows = await L.rows(sql`SELECT s.login_id AS loginId, b.code AS branchCode, s.active, s.auth_version AS v FROM staff s JOIN branches b ON b.id = s.branch_id WHERE s.id > ${0} ORDER BY s.id`)
  out.keyset = await L.rows(sql`SELECT a.id FROM audit_log a WHERE (a.at, a.id) < (${'2027-01-01'}, ${100}) ORDER BY a.at DESC, a.id DESC LIMIT ${10}`)
  return out
}

async function pgJournal(): Promise<Array<{ id: number; hash: string; action: string }>> {
  const c = await l.app()
  try {
    return (await c.query('SELECT id::int AS id, hash, action FROM ledger_journal ORDER BY id')).rows
  } finally {
    await c.end()
  }
}

describe('the PostgreSQL ledger runs the services’ drizzle queries', () => {
  it('returns what SQLite returns, and journals every write exactly as SQLite does (same hashes)', async () => {
    const onSqlite = await scenario(sqL)
    const onPg = await scenario(pgL)
    expect(onPg).toEqual(onSqlite)
    // Spot checks of what the comparison covers.
    expect(onPg.staff).toMatchObject({ id: 1, active: true, mustChangePassword: false, authVersion: 1 })
    expect(onPg.receipts).toEqual([{ seq: 1 }, { seq: 2 }, { seq: 3 }])
    expect([onPg.changes1, onPg.changes2]).toEqual([1, 0])
    expect(onPg.json).toEqual([{ reason: '新任', flag: 1, off: 0, n: 3, missing: null }])
    expect((onPg.rows as object[])[0]).toEqual({ loginId: 'teller1', branchCode: '001', active: 0, v: 2 })

    const sq = sqlite.prepare('SELECT id, hash, action FROM ledger_journal ORDER BY id').all()
    const pj = await pgJournal()
    expect(pj.length).toBe(9) // the second lock changed nothing: no entry, on either engine
    expect(pj).toEqual(sq)
    expect(pj[2]!.action).toBe('staff.create') // the audit row heads its entry
    const c = await l.app()
    try {
      const chain = await verifyPgChain(c)
      expect(chain.break).toBeNull()
      expect(chain.checked).toBe(9)
      expect((await c.query('SELECT count(*)::int AS n FROM ledger_pending')).rows[0].n).toBe(0)
    } finally {
      await c.end()
    }
  })

  it('a write whose function throws leaves nothing: no row, no journal entry, no note', async () => {
    const before = await pgJournal()
    await expect(
      pgL.write(async (tx) => {
        await tx.insert(settings).values({ key: 'gone', value: 'x' }).run()
        expect(pgL.inWrite()).toBe(true)
        // Read in the transaction: the row is there for it.
        expect(await pgL.db.select().from(settings).where(eq(settings.key, 'gone')).get()).toEqual({ key: 'gone', value: 'x' })
        throw new Error('refused by a rule')
      }, fallback('x')),
    ).rejects.toThrow('refused by a rule')
    expect(pgL.inWrite()).toBe(false)
    expect(await pgL.db.select().from(settings).where(eq(settings.key, 'gone')).get()).toBeUndefined()
    expect(await pgJournal()).toEqual(before)
    // A statement the server refuses (a unique key) rolls back the same way.
    const dup = await pgL.write((tx) => tx.insert(branches).values({ code: '001', name: '重複' }).run(), fallback('x')).catch((e: { cause?: unknown }) => e)
    expect(String((dup as { cause?: unknown }).cause)).toMatch(/duplicate key/)
    expect(await pgJournal()).toEqual(before)
  })

  it('a delete is journaled with a null state (as the owner: terminals may not delete, by the grants)', async () => {
    const refused = await pgL.write((tx) => tx.delete(settings).where(eq(settings.key, 'c')).run(), fallback('x')).catch((e: unknown) => e)
    expect(String((refused as Error).cause)).toMatch(/permission denied for table settings/)
    const asOwner = await openPgLedger(l.ownerUrl)
    closers.push(() => asOwner.close())
    const r = await asOwner.write((tx) => tx.delete(settings).where(eq(settings.key, 'c')).run(), fallback('settings.delete'))
    expect(changes(r)).toBe(1)
    const c = await l.app()
    try {
      const last = (await c.query('SELECT id FROM ledger_journal ORDER BY id DESC LIMIT 1')).rows[0].id
      expect((await c.query('SELECT tbl, row_key, row_json FROM ledger_journal_rows WHERE entry_id = $1', [last])).rows).toEqual([
        { tbl: 'settings', row_key: 'c', row_json: null },
      ])
      expect((await verifyPgChain(c)).break).toBeNull()
    } finally {
      await c.end()
    }
  })

  it('runs every connection with the idle-in-transaction limit (a stuck terminal frees the journal lock)', async () => {
    expect(await pgL.rows(sql`SHOW idle_in_transaction_session_timeout`)).toEqual([{ idle_in_transaction_session_timeout: '30s' }])
  })

  it('refuses a write outside write() (it would not be journaled) and SQL only SQLite runs', async () => {
    const cause = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { cause?: unknown }) => String(e.cause ?? e))
    expect(await cause(pgL.db.insert(settings).values({ key: 'outside', value: 'x' }).run())).toMatch(/outside ledger.write/)
    expect(await cause(pgL.rows(sql`SELECT group_concat(code) FROM branches`))).toMatch(/SQLite-only function group_concat/)
    expect(await cause(pgL.db.transaction(async () => {}))).toMatch(/SQLite-only statement BEGIN/)
  })

  it('a nested write runs under a savepoint: its failure undoes only its own rows', async () => {
    const before = (await pgJournal()).length
    await pgL.write(async (tx) => {
      await tx.insert(settings).values({ key: 'n1', value: 'outer' }).run()
      await expect(
        pgL.write(async (inner) => {
          await inner.insert(settings).values({ key: 'n2', value: 'inner' }).run()
          throw new Error('inner refused')
        }),
      ).rejects.toThrow('inner refused')
      await pgL.write((inner) => inner.insert(settings).values({ key: 'n3', value: 'inner ok' }).run())
      await tx.insert(settings).values({ key: 'n4', value: 'outer' }).run()
    }, fallback('nested'))
    expect((await pgL.db.select({ k: settings.key }).from(settings).where(sql`${settings.key} LIKE 'n%'`).orderBy(settings.key).all()).map((r) => r.k)).toEqual(['n1', 'n3', 'n4'])
    const c = await l.app()
    try {
      const rows = await c.query('SELECT r.row_key FROM ledger_journal_rows r WHERE r.entry_id = $1 ORDER BY seq', [before + 1])
      expect(rows.rows.map((r) => r.row_key)).toEqual(['n1', 'n3', 'n4'])
    } finally {
      await c.end()
    }
  })

  it('two terminals (two pools) writing at once are serialised: no lost update, the chain stays valid', async () => {
    const other = await openPgLedger(l.appUrl)
    closers.push(() => other.close())
    const before = (await pgJournal()).length
    const step = (L: Ledger, i: number) =>
      L.write(async (tx) => {
        const r = await tx
          .insert(receiptCounters)
          .values({ branchCode: '002', businessDate: '2026-11-21', lastSeq: 1 })
          .onConflictDoUpdate({ target: [receiptCounters.branchCode, receiptCounters.businessDate], set: { lastSeq: sql`${receiptCounters.lastSeq} + 1` } })
          .returning({ seq: receiptCounters.lastSeq })
          .get()
        await tx.insert(auditLog).values({ at: AT, actorLoginId: `t${i}`, action: 'requests.receive', outcome: 'ok', target: `seq:${r!.seq}` }).run()
        return r!.seq
      })
    const seqs = await Promise.all(Array.from({ length: 30 }, (_, i) => step(i % 2 ? other : pgL, i)))
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    const c = await l.app()
    try {
      const chain = await verifyPgChain(c)
      expect(chain.break).toBeNull()
      expect(chain.checked).toBe(before + 30)
    } finally {
      await c.end()
    }
  })

  it('every other terminal hears of a committed write (LISTEN/NOTIFY), and of a rolled-back one nothing; the listener reconnects', async () => {
    const heard: number[] = []
    let connects = 0
    const stop = listenLedger(l.appUrl, (id) => heard.push(id), { onConnect: () => connects++, minDelayMs: 50 })
    closers.push(stop)
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25))
      expect(cond()).toBe(true)
    }
    await until(() => connects === 1)
    await pgL.write((tx) => tx.insert(settings).values({ key: 'notify1', value: 'x' }).run(), fallback('n'))
    const head = (await pgJournal()).at(-1)!.id
    await until(() => heard.includes(head))
    await expect(pgL.write(async (tx) => {
      await tx.insert(settings).values({ key: 'notify2', value: 'x' }).run()
      throw new Error('no')
    })).rejects.toThrow('no')
    // The server ends the listener's session: it connects again and hears the next write.
    const admin = await connect(serverUrl())
    try {
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND query ILIKE 'LISTEN%'`, [l.appRole])
    } finally {
      await admin.end()
    }
    await until(() => connects === 2)
    await pgL.write((tx) => tx.insert(settings).values({ key: 'notify3', value: 'x' }).run(), fallback('n'))
    await until(() => heard.includes(head + 1))
    expect(heard).toEqual([head, head + 1])
  })

  it('a server that is not there, or a connection lost mid-write: LEDGER_UNREACHABLE, nothing written', async () => {
    const nowhere = new URL(l.appUrl)
    nowhere.searchParams.set('host', path.join(tempDir(), 'no-server'))
    const err = await openPgLedger({ connectionString: nowhere.toString(), connectionTimeoutMillis: 1000 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('LEDGER_UNREACHABLE')
    expect((err as AppError).message).toMatch(/^台帳サーバーに接続できません。.*処理は行われていません/)

    const before = await pgJournal()
    const lost = await pgL
      .write(async (tx) => {
        await tx.insert(settings).values({ key: 'lost', value: 'x' }).run()
        const admin = new pg.Client({ connectionString: serverUrl() })
        await admin.connect()
        // This terminal's connection dies (the server's side ends it) in the middle of the write.
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND state = 'idle in transaction'`, [l.appRole])
        await admin.end()
        await tx.insert(settings).values({ key: 'lost2', value: 'x' }).run()
      }, fallback('lost'))
      .catch((e: unknown) => e)
    expect((lost as AppError).code).toBe('LEDGER_UNREACHABLE')
    expect(await pgJournal()).toEqual(before)
    // The connection lost at COMMIT: the ledger asks the server what became of the transaction
    // (aborted here: the session ended before COMMIT reached it) and only then says nothing was written.
    const breaking = await openPgLedger(l.appUrl, {
      beforeCommit: async (client) => {
        const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid
        const admin = await connect(serverUrl())
        await admin.query('SELECT pg_terminate_backend($1)', [pid])
        await admin.end()
      },
    })
    closers.push(() => breaking.close())
    const atCommit = await breaking.write((tx) => tx.insert(settings).values({ key: 'lost3', value: 'x' }).run(), fallback('lost')).catch((e: unknown) => e)
    expect((atCommit as AppError).code).toBe('LEDGER_UNREACHABLE')
    expect(await pgJournal()).toEqual(before)
    // The pool carries on with a new connection.
    expect(await pgL.db.select().from(settings).where(eq(settings.key, 'lost')).get()).toBeUndefined()
    await pgL.write((tx) => tx.insert(settings).values({ key: 'after', value: 'x' }).run(), fallback('after'))
    expect((await pgJournal()).length).toBe(before.length + 1)
  })
})
