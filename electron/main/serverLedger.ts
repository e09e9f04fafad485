// Where a terminal finds the shared ledger (issue 12): a PostgreSQL server named by
// `--ledger=postgres://…` or OTP_LEDGER_URL; without either, the embedded SQLite file of the data
// folder, as on a single PC. The URL is a libpq one: user, host (or a Unix socket: host=/path),
// database, and TLS parameters. Across a network the server must be verified against the bank's
// CA, certificate and host name (sslmode=verify-full&sslrootcert=/path/to/ca.pem): anything less
// is refused, because a terminal that trusts any server would hand its staff's work to whoever
// answers. The password is not part of the URL (it would show in the process list): the
// application role's password comes from the operating system's keystore (ledgerCredential.ts, in
// the installed app) or from the OS user's password file (PGPASSFILE, or ~/.pgpass, readable by
// that user only), as libpq's own tools take it.
import pg from 'pg'
import { AppError } from '../../shared/errors'

export interface ServerLedgerConfig {
  url: string
  /** The application role's password from the OS keystore (ledgerCredential.ts); otherwise libpq's
   * password file is read. */
  password?: string
}

/** The server ledger the command line or the environment names, or null for the embedded one. */
export function parseServerLedger(argv: readonly string[], env: NodeJS.ProcessEnv): ServerLedgerConfig | null {
  const flag = argv.find((a) => a === '--ledger' || a.startsWith('--ledger='))
  const url = flag !== undefined ? (flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : '') : env.OTP_LEDGER_URL
  if (url === undefined || (flag === undefined && url === '')) return null
  checkServerUrl(url)
  return { url }
}

/** Refuses a URL that is not a PostgreSQL one, carries a password, or reaches a server over the
 * network without verifying it. Messages in Japanese (the administrator reads them at start). */
export function checkServerUrl(url: string): void {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new AppError('LEDGER_OPEN_FAILED', `共有台帳の接続先（--ledger / OTP_LEDGER_URL）が正しくありません: postgres://利用者@サーバー/データベース の形で指定してください。`)
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new AppError('LEDGER_OPEN_FAILED', `共有台帳の接続先は postgres:// で始まる PostgreSQL の接続先です（指定: ${u.protocol}）。`)
  if (u.password)
    throw new AppError(
      'LEDGER_OPEN_FAILED',
      '共有台帳の接続先にパスワードを書かないでください（プロセス一覧やログに残ります）。パスワードはこの端末の利用者のパスワードファイル（PGPASSFILE または ~/.pgpass）に置きます。',
    )
  const socket = (u.searchParams.get('host') ?? '').startsWith('/')
  const sslmode = u.searchParams.get('sslmode')
  if (!socket && sslmode !== 'verify-full')
    throw new AppError(
      'LEDGER_OPEN_FAILED',
      'ネットワーク越しの共有台帳には、サーバー証明書とホスト名を検証する TLS 接続（sslmode=verify-full と sslrootcert=信用金庫の CA 証明書のパス）が必要です。',
    )
  if (!socket && !u.searchParams.get('sslrootcert'))
    throw new AppError('LEDGER_OPEN_FAILED', 'sslrootcert に信用金庫の CA 証明書のパスを指定してください（サーバー証明書の検証に使います）。')
}

/** The pool's configuration: node-postgres reads host, TLS and sslrootcert from the URL itself. */
export function poolConfigOf(c: ServerLedgerConfig): pg.PoolConfig {
  return { connectionString: c.url, application_name: 'madoguchi-otp', ...(c.password ? { password: c.password } : {}) }
}

/** How the log names the server ledger: the URL without anything secret (it has none). */
export function describeServerLedger(c: ServerLedgerConfig): string {
  const u = new URL(c.url)
  return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}${u.searchParams.get('host') ? ` (socket ${u.searchParams.get('host')})` : ''}`
}
