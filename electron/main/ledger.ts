// Opening the app's ledger at start: create the data folder, open the SQLite file, run the
// numbered migrations (backup first, newer-than-app refused), and for a demo ledger load the demo
// data once. Shared by the Electron main process and the browser-preview bridge.
import fs from 'node:fs'
import path from 'node:path'
import { eq, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import { backupDirOf, checkAndRecord, latestGoodBackup } from '../../db/backup'
import { LEDGER_FILE, inspectLedgerFile, ledgerTraces, markInUse, quickCheck, writeLedgerMarker } from '../../db/ledgerFile'
import { openSqlite, type Sqlite } from '../../db/open'
import { openedSqliteLedger, type Ledger, type LedgerDb } from '../../db/ledger'
import { openPgLedger } from '../../db/pg/ledger'
import { PG_LATEST_SCHEMA_VERSION } from '../../db/pg/migrations'
import { describeServerLedger, poolConfigOf, type ServerLedgerConfig } from './serverLedger'
import { watchServerLedger } from './serverChanges'
import { assertNotNewer, migrate, schemaVersion } from '../../db/migrate'
import { settings } from '../../db/schema'
import { DEMO_PASSWORD, seedDemo } from '../../db/seed'
import { watchOtherInstances } from './otherInstances'
import { AppError } from '../../shared/errors'
import { LedgerEvents, type AppContext, type Clock } from './context'
import { storageFailureCode } from './failures'
import { createLogger } from './logger'
import { hashPassword } from './passwords'
import { startBackupSchedule } from './services/backups'
import { startBackgroundVerification, verifyAtStart, type BackgroundVerifyOptions } from './services/integrity'
import { SessionStore } from './session'
import { writeTransaction } from './tx'

export { LEDGER_FILE }

export interface OpenAppOptions {
  dataDir: string
  demo: boolean
  transport: AppContext['transport']
  version: string
  clock?: Clock
  logger?: Logger
  /** The daily automatic backup (default on; tests turn it off). */
  autoBackup?: boolean
  /** Create a new ledger although the folder shows it held one (`npm run ledger:new`, audited). */
  newLedgerOverTraces?: boolean
  /** How a refusal tells the user to restore (default: the npm command). */
  recovery?: RecoveryMeans
  /** The idle time of a session (default SESSION_IDLE_MS; see args.ts parseIdleMs). */
  sessionIdleMs?: number
  /** The shared ledger on a PostgreSQL server (serverLedger.ts); the data folder's SQLite file otherwise. */
  server?: ServerLedgerConfig | null
  /** The full verification in the background after start (default on; false for off, as most
   * tests do; they start it themselves with startBackgroundVerification). */
  backgroundVerify?: BackgroundVerifyOptions | false
}

/** How a person at this machine restores a backup: `command` where the project's scripts exist
 * (a development or test machine: npm run restore), `app` in an installed app, which has no npm
 * and offers the restore itself (the start-up dialog, the administrator's バックアップ screen). */
export type RecoveryMeans = 'command' | 'app'

/** What to tell the user when the ledger cannot be used: the latest verified backup and how it is
 * restored, worded for whoever sits at the machine. */
export function recoveryAdvice(dataDir: string, means: RecoveryMeans = 'command'): string {
  const latest = latestGoodBackup([backupDirOf(dataDir), path.join(dataDir, 'backups')])
  const where = latest
    ? `最新の検証済みバックアップ: ${latest.file}（${latest.createdAt.slice(0, 16).replace('T', ' ')} UTC 作成）`
    : `検証済みのバックアップが見つかりません（${backupDirOf(dataDir)}）。`
  if (means === 'app')
    return (
      `${where}\n` +
      (latest
        ? '「最新のバックアップから復元」を選ぶと、このバックアップを検証してから台帳として戻し、アプリを起動します（今の台帳ファイルは replaced/ に残ります）。'
        : 'バックアップの保存先（OTP_BACKUP_DIR）を確認し、システム管理者に連絡してください。')
    )
  return (
    `${where}\n` +
    `復元するには、アプリを終了して次のコマンドを実行してください（置き換えた台帳は replaced/ に残ります）:\n` +
    `  npm run restore -- --data-dir="${dataDir}"`
  )
}

/**
 * Refuses a folder whose ledger is gone or empty although the folder held one, and a file that
 * is visibly not a whole SQLite ledger. Costs a stat and a 100-byte read.
 */
function checkLedgerFile(dataDir: string, file: string, newLedgerOverTraces: boolean, means: RecoveryMeans): void {
  const state = inspectLedgerFile(file)
  if (state.kind === 'absent' || state.kind === 'empty') {
    const traces = ledgerTraces(dataDir)
    if (!traces.length || newLedgerOverTraces) return
    throw new AppError(
      'LEDGER_MISSING',
      `台帳ファイル（${file}）が${state.kind === 'absent' ? 'ありません' : '空です'}。` +
        `このフォルダーには台帳を使っていた記録（${traces.join('、')}）があるため、新しい台帳としては開きません。\n` +
        `${recoveryAdvice(dataDir, means)}\n` +
        (means === 'command'
          ? `記録を捨てて新しい台帳を作る場合は、システム管理者がこの端末で次のコマンドを実行してください（監査記録に残ります）:\n` +
            `  npm run ledger:new -- --data-dir="${dataDir}" --confirm`
          : '記録を捨てて新しい台帳を作ることは、この画面からはできません。システム管理者に連絡してください。'),
    )
  }
  if (state.kind === 'not-sqlite') throw damaged(dataDir, file, 'SQLite の台帳ではない内容で上書きされています', means)
  if (state.kind === 'truncated')
    throw damaged(dataDir, file, `ファイルが途中で切れています（${state.size} バイト、本来は ${state.expected} バイト以上）`, means)
}

function damaged(dataDir: string, file: string, what: string, means: RecoveryMeans): AppError {
  return new AppError('LEDGER_DAMAGED', `台帳ファイル（${file}）が破損しているため開けません: ${what}。\n${recoveryAdvice(dataDir, means)}`)
}

/** A ledger written by a newer app is refused before anything (not even the journal mode) is
 * changed in it. migrate() checks again, for callers that open the file themselves. */
function refuseNewerLedger(file: string): void {
  if (!fs.existsSync(file)) return
  const peek = openSqlite(file, { readonly: true })
  try {
    assertNotNewer(schemaVersion(peek))
  } finally {
    peek.close()
  }
}

/**
 * Opens the ledger file of `dataDir` and brings it up to date: a ledger of a newer app refused,
 * the quick look for damage, the numbered migrations (with the checked copy before them). A
 * failure comes back as an AppError with the whole story in Japanese. Used at start and when a
 * restored backup is opened in place of the ledger (services/restore.ts).
 */
export function openLedgerFile(dataDir: string, opts: { clock: Clock; logger: Logger; means?: RecoveryMeans }): Sqlite {
  const file = path.join(dataDir, LEDGER_FILE)
  const means = opts.means ?? 'command'
  let sqlite: Sqlite
  try {
    refuseNewerLedger(file)
    sqlite = openSqlite(file)
    quickCheck(sqlite)
  } catch (err) {
    throw startFailure(err, dataDir, file, opts.logger, means)
  }
  try {
    const report = migrate(sqlite, { backupDir: path.join(dataDir, 'backups'), now: opts.clock })
    if (report.from !== report.to) opts.logger.info({ ...report, file }, 'ledger migrated')
    // The copy taken before the migration is checked like every other backup, and listed with it.
    if (report.backupFile) {
      const check = checkAndRecord(report.backupFile, dataDir)
      if (!check.ok) opts.logger.error({ code: 'BACKUP_CHECK_FAILED', file: report.backupFile, integrity: check.integrity }, 'pre-migration backup failed its check')
    }
    return sqlite
  } catch (err) {
    sqlite.close()
    throw startFailure(err, dataDir, file, opts.logger, means)
  }
}

/**
 * A fresh ledger's kind (demo or production) is fixed at its first start, and demo data goes only
 * into a demo ledger. Decided inside one write transaction, so two terminals or processes starting
 * on a new ledger cannot both seed it. Returns whether the ledger is a demo one.
 */
async function settleKind(db: LedgerDb, demo: boolean, clock: Clock, logger: Logger, where: string): Promise<boolean> {
  // The demo password is hashed (scrypt, ~0.1 s) only for a ledger about to be seeded: the kind,
  // once written, is never removed, so a ledger that has one is never seeded again.
  const kindNow = (await db.select().from(settings).where(eq(settings.key, 'ledger_kind')).get())?.value
  const passwordHash = demo && !kindNow ? await hashPassword(DEMO_PASSWORD) : null
  const kind = await writeTransaction(db, async (tx) => {
    const existing = (await tx.select().from(settings).where(eq(settings.key, 'ledger_kind')).get())?.value
    if (existing) return existing
    const created = demo ? 'demo' : 'production'
    await tx.insert(settings).values({ key: 'ledger_kind', value: created }).run()
    if (passwordHash) await seedDemo(tx, { passwordHash, now: clock() })
    logger.info({ ledger: where, demo }, 'ledger created')
    return created
  }, { at: clock().toISOString(), actorId: null, actorLoginId: 'system', action: 'ledger.create', outcome: 'ok' })
  if (demo && kind !== 'demo') throw new AppError('DEMO_ON_REAL_LEDGER')
  return kind === 'demo'
}

/** The context the services get, on either engine. */
function contextOf(
  opts: OpenAppOptions,
  c: { sqlite: Sqlite | null; ledger: Ledger; clock: Clock; logger: Logger; demo: boolean },
): AppContext {
  return {
    ...c,
    db: c.ledger.db,
    dataDir: opts.dataDir,
    transport: opts.transport,
    sessions: new SessionStore(() => c.clock().getTime(), opts.sessionIdleMs),
    events: new LedgerEvents(),
    version: opts.version,
  }
}

export async function openApp(opts: OpenAppOptions): Promise<AppContext> {
  if (opts.server) return openServerApp(opts, opts.server)
  fs.mkdirSync(opts.dataDir, { recursive: true })
  const file = path.join(opts.dataDir, LEDGER_FILE)
  const means = opts.recovery ?? 'command'
  // Before anything is written into the folder (the log included): what it held decides.
  checkLedgerFile(opts.dataDir, file, !!opts.newLedgerOverTraces, means)
  const logger = opts.logger ?? createLogger(opts.dataDir)
  const clock = opts.clock ?? (() => new Date())
  const sqlite = openLedgerFile(opts.dataDir, { clock, logger, means })
  try {
    const ledger = openedSqliteLedger(sqlite)
    const demo = await settleKind(ledger.db, opts.demo, clock, logger, file)
    // Best effort: a full disk must not keep a readable ledger from opening (the traces of a used
    // folder are its forms, backups and logs too).
    try {
      writeLedgerMarker(opts.dataDir, clock())
      markInUse(opts.dataDir)
    } catch (err) {
      logger.warn({ code: storageFailureCode(err) ?? 'MARKER_WRITE_FAILED', err }, 'could not write the ledger markers')
    }
    const ctx = contextOf(opts, { sqlite, ledger, clock, logger, demo })
    // The journal, from the last verified entry on (a failure is logged and shown to administrators).
    verifyAtStart(ctx)
    // ... and in full, in a worker, once the app is idle (an old row edited behind the app).
    if (opts.backgroundVerify !== false) void startBackgroundVerification(ctx, opts.backgroundVerify)
    if (opts.autoBackup !== false) startBackupSchedule(ctx)
    // Another instance on the same file (a shared folder): its changes reach this one's screens.
    ctx.stopWatching = watchOtherInstances(ctx)
    return ctx
  } catch (err) {
    sqlite.close()
    throw startFailure(err, opts.dataDir, file, logger, means)
  }
}

/** A start that failed on the disk or the file, as an AppError with the whole story in Japanese
 * (electron/main/index.ts shows an AppError's message as it is). */
function startFailure(err: unknown, dataDir: string, file: string, logger: Logger, means: RecoveryMeans): unknown {
  if (err instanceof AppError) return err
  const code = storageFailureCode(err)
  try {
    logger.error({ code: code ?? 'LEDGER_OPEN_FAILED', file, err }, 'ledger could not be opened')
  } catch {
    // the log may be on the same failing disk
  }
  if (code === 'LEDGER_DAMAGED') return damaged(dataDir, file, 'SQLite が内部の構造の破損を報告しました', means)
  if (code === 'DISK_FULL')
    return new AppError('DISK_FULL', `ディスクの空き容量が足りないため台帳（${file}）を開けません。空き容量を確保してから起動し直してください。`)
  if (code === 'STORAGE_ERROR')
    return new AppError('STORAGE_ERROR', `台帳（${file}）を読み書きできません（${(err as { code?: string }).code}）。ファイルの場所と権限を確認してください。`)
  return err
}

/**
 * A terminal on the shared PostgreSQL ledger. The server's schema is the owner's business (npm
 * run ledger:pg-migrate, with pg_dump first): a terminal only checks it is the one this app was
 * built for and refuses otherwise. The data folder still holds this terminal's log; backups,
 * restores and the journal's verification are the server's (README), not the terminal's.
 */
async function openServerApp(opts: OpenAppOptions, server: ServerLedgerConfig): Promise<AppContext> {
  fs.mkdirSync(opts.dataDir, { recursive: true })
  const logger = opts.logger ?? createLogger(opts.dataDir)
  const clock = opts.clock ?? (() => new Date())
  const where = describeServerLedger(server)
  const ledger = await openPgLedger(poolConfigOf(server))
  try {
    const [v] = await ledger.rows<{ version: number | null }>(sql`SELECT max(version) AS version FROM schema_version`)
    const version = v?.version ?? 0
    if (version > PG_LATEST_SCHEMA_VERSION) throw new AppError('DATABASE_TOO_NEW')
    if (version < PG_LATEST_SCHEMA_VERSION)
      throw new AppError(
        'LEDGER_OPEN_FAILED',
        `共有台帳（${where}）のデータベースがこのアプリより古い版です（版 ${version}、必要な版 ${PG_LATEST_SCHEMA_VERSION}）。データベース管理者に更新（npm run ledger:pg-migrate）を依頼してください。`,
      )
    const demo = await settleKind(ledger.db, opts.demo, clock, logger, where)
    logger.info({ ledger: where, demo }, 'server ledger opened')
    const ctx = contextOf(opts, { sqlite: null, ledger, clock, logger, demo })
    // What other terminals commit reaches this one's screens (LISTEN/NOTIFY).
    ctx.stopWatching = watchServerLedger(ctx, ledger, poolConfigOf(server))
    return ctx
  } catch (err) {
    await ledger.close().catch(() => undefined)
    throw err
  }
}
