// What a failure of the disk, the file or the engine means for the user. The dispatcher, the
// start-up checks and the backup command map a thrown error to one of the shared codes here, so a
// full disk says 容量不足 and a damaged page says 台帳の破損 instead of INTERNAL.
import type { ErrorCode } from '../../shared/errors'

/** The shared code for a storage or engine failure, or null for anything else (a bug). */
export function storageFailureCode(err: unknown): ErrorCode | null {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return null
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'DISK_FULL'
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'LEDGER_DAMAGED'
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) return 'STORAGE_ERROR'
  // Node's file-system errors carry the failing system call.
  const syscall = (err as { syscall?: unknown }).syscall
  if (typeof syscall === 'string' && ['EIO', 'EROFS', 'EACCES', 'EPERM', 'ENOENT', 'EMFILE', 'ENFILE'].includes(code)) return 'STORAGE_ERROR'
  return null
}
