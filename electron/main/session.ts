// Who is calling. The identity lives here, on the main side, keyed by the transport's connection
// (an Electron webContents, or a browser tab of the preview); it never comes from a payload.
import type { SessionUser } from '../../shared/types'

/** A counter terminal left alone this long needs a new login. */
export const SESSION_IDLE_MS = 30 * 60 * 1000
/** However busy, a session lasts one working day: after this long since the login, log in again. */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000

interface Entry {
  user: SessionUser
  startedAt: number
  lastSeen: number
}

export class SessionStore {
  private readonly entries = new Map<string, Entry>()
  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): SessionUser | null {
    const e = this.entries.get(key)
    if (!e) return null
    const t = this.now()
    if (t - e.lastSeen > SESSION_IDLE_MS || t - e.startedAt > SESSION_MAX_MS) {
      this.entries.delete(key)
      return null
    }
    e.lastSeen = t
    return e.user
  }

  /** The session's user if it is still valid, without counting as activity (for the event stream). */
  peek(key: string): SessionUser | null {
    const e = this.entries.get(key)
    if (!e) return null
    const t = this.now()
    return t - e.lastSeen > SESSION_IDLE_MS || t - e.startedAt > SESSION_MAX_MS ? null : e.user
  }

  /** Starts a session (a login). Returns the user whose live session on this key it replaced, if any. */
  set(key: string, user: SessionUser): SessionUser | null {
    const previous = this.get(key)
    const t = this.now()
    this.entries.set(key, { user, startedAt: t, lastSeen: t })
    return previous
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

  /** Ends every session of a staff member (account locked or deactivated). */
  deleteStaff(staffId: number): void {
    for (const [k, e] of this.entries) if (e.user.staffId === staffId) this.entries.delete(k)
  }
}
