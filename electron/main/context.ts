// Everything a service needs, built once at start (by the Electron main process or by the
// browser-preview bridge) and passed explicitly: no module-level singletons, so tests can build
// as many independent contexts as they like on temporary ledgers.
import { EventEmitter } from 'node:events'
import type { Logger } from 'pino'
import type { Sqlite } from '../../db/open'
import type { Ledger, LedgerDb } from '../../db/ledger'
import type { LedgerChangedEvent } from '../../shared/operations'
import type { SessionStore } from './session'

export type Clock = () => Date

export interface AppContext {
  /** The embedded ledger's connection; null on the PostgreSQL ledger (services that only the
   * embedded ledger has reach it through embeddedLedger(), which refuses in Japanese otherwise). */
  sqlite: Sqlite | null
  /** The ledger (either engine) and its database object, which the services query (`ledger.db`). */
  ledger: Ledger
  db: LedgerDb
  clock: Clock
  dataDir: string
  demo: boolean
  transport: 'ipc' | 'http-bridge'
  logger: Logger
  sessions: SessionStore
  events: LedgerEvents
  version: string
  /** The operating system's file dialogs (Electron only; the browser preview uploads and downloads
   * through the page instead). The renderer never names a path: the main process asks the user. */
  fileDialogs?: FileDialogs
  /** Stops watching for changes other instances commit to the same ledger file (called on close). */
  stopWatching?: () => void
}

/** A context on the embedded ledger (tests, benchmarks and the SQLite-only commands know they have one). */
export type EmbeddedAppContext = AppContext & { sqlite: Sqlite }

/** The context, known to be on the embedded ledger (throws for a PostgreSQL one). */
export function embeddedContext(ctx: AppContext): EmbeddedAppContext {
  if (!ctx.sqlite) throw new Error('this context is on the PostgreSQL ledger, not an embedded SQLite one')
  return ctx as EmbeddedAppContext
}

export interface FileDialogs {
  chooseOpen(opts: { title: string; filters: { name: string; extensions: string[] }[] }): Promise<string | null>
  chooseSave(opts: { title: string; defaultName: string; filters: { name: string; extensions: string[] }[] }): Promise<string | null>
}

export class LedgerEvents extends EventEmitter<{ changed: [LedgerChangedEvent] }> {
  emitChanged(e: LedgerChangedEvent): void {
    this.emit('changed', e)
  }
}
