// What only the embedded ledger (one SQLite file on this PC) has: the file itself, which the
// backup, restore, verification worker (and 控えの照合), customer import staging and the watch on
// other writers work on directly.
// On the shared PostgreSQL ledger these are the database administrator's tools (pg_dump, the
// server's own checks) or not built yet; a terminal connected to it refuses them in Japanese,
// naming what was asked, and changes nothing.
import { AppError } from '../../shared/errors'
import type { Sqlite } from '../../db/open'
import type { AppContext } from './context'

export function embeddedLedger(ctx: AppContext, what: string): Sqlite {
  if (ctx.sqlite) return ctx.sqlite
  throw new AppError(
    'SERVER_LEDGER_UNSUPPORTED',
    `${what}は、共有台帳（PostgreSQL）に接続した端末では行えません。` +
      (what.includes('バックアップ') || what.includes('復元')
        ? '共有台帳のバックアップと復元は、データベース管理者が PostgreSQL の機能（pg_dump、ベースバックアップ）で行います。'
        : 'システム管理者に連絡してください。'),
  )
}
