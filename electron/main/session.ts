// Who is calling. The identity lives here, on the main side, keyed by the transport's connection
// (an Electron webContents, or a browser tab of the preview); it never comes from a payload.
// Only what a person does renews a session: a command, a query they started, or the window's
// report that they typed or pointed (auth.activity). Background refreshes (after other staff's
// actions) read the session without renewing it (peek), so an unattended window locks on time.
import type { SessionUser } from '../../shared/types'

/** A counter terminal left alone this long needs a new login (the default; see args.ts). */
export const SESSION_IDLE_MS = 30 * 60 * 1000
/** However busy, a session lasts one working day: after this long since the login, log in again. */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000

interface Entry {
  user: SessionUser
  /** staff.auth_version when the session started: a lockout, reset, retirement or role change
   * bumps it, and the session ends before its next command (checked by the dispatcher). */
  authVersion: number
  startedAt: number
  lastSeen: number
}

export class SessionStore {
  private readonly entries = new Map<string, Entry>()
  constructor(
    private readonly now: () => number = Date.now,
    /** How long a session may go without its person doing anything. */
    readonly idleMs: number = SESSION_IDLE_MS,
  ) {}

  private live(key: string): Entry | null {
    const e = this.entries.get(key)
    if (!e) return null
    const t = this.now()
    if (t - e.lastSeen > this.idleMs || t - e.startedAt > SESSION_MAX_MS) {
      this.entries.delete(key)
      return null
    }
    return e
  }

  /** The session's user, renewing it: something its person did. */
  get(key: string): SessionUser | null {
    const e = this.live(key)
    if (!e) return null
    e.lastSeen = this.now()
    return e.user
  }

  /** The session's user if it is still valid, without counting as activity (the event stream,
   * background refreshes). */
  peek(key: string): SessionUser | null {
    return this.live(key)?.user ?? null
  }

  /** The staff version the session started with (see Entry.authVersion). */
  authVersion(key: string): number | null {
    return this.entries.get(key)?.authVersion ?? null
  }

  /** Starts a session (a login). Returns the user whose live session on this key it replaced, if any. */
  set(key: string, user: SessionUser, authVersion = 1): SessionUser | null {
    const previous = this.peek(key)
    const t = this.now()
    this.entries.set(key, { user, authVersion, startedAt: t, lastSeen: t })
    return previous
  }

  /** The same session, its user and version updated (after its own password change). */
  update(key: string, user: SessionUser, authVersion: number): void {
    const e = this.entries.get(key)
    if (e) Object.assign(e, { user, authVersion })
  }

  delete(key: string): void {
    this.entries.delete(key)
  }

  /** Ends every session (the ledger was replaced by a restore). Returns how many were live. */
  clear(): number {
    let live = 0
    for (const key of [...this.entries.keys()]) if (this.peek(key)) live++
    this.entries.clear()
    return live
  }

  /** Ends every session of a staff member (account locked, reset, retired, role changed). */
  deleteStaff(staffId: number, exceptKey?: string): void {
    for (const [k, e] of this.entries) if (e.user.staffId === staffId && k !== exceptKey) this.entries.delete(k)
  }
}
