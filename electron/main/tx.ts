// Write transactions start IMMEDIATE: the write lock is taken at BEGIN, so a second app instance
// or connection waits (busy_timeout) instead of failing half-way with SQLITE_BUSY_SNAPSHOT after
// it has read. Every service write goes through here.
import type { Db } from '../../db/open'

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export function writeTransaction<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: 'immediate' })
}
