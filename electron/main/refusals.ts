// Refusals the dispatcher decides itself (a role that may not call the operation, a payload its
// schema rejects) for a logged-in user: every one is on the audit trail, and a flood of them
// (a broken script, someone probing the operations) cannot slow the counters down.
//
// The first refusal of a kind (session + operation + reason) is written at once, as one row. The
// same refusal again within the window is only counted in memory; when the window has passed
// (on the next such refusal, on the timer, or when the ledger closes) one more row says how many
// times it was repeated, between when and when, and which fields were wrong. A burst of 10,000
// malformed calls writes two rows. What is kept in memory is bounded: beyond MAX_PENDING kinds,
// every count is written in one transaction and the memory emptied.
//
// Counts in memory die with a killed process (a crash, the task manager, a power cut), so they are
// also written COUNT_FLUSH_MS after the first repeat not yet written (a timer that does not keep
// the process alive), the window staying open: a flood writes at most one row per kind per second,
// and a refusal reaches the ledger at most about a second after it happened.
//
// Only field names are kept, never what was typed: a refused payload may hold a customer's data.
import type { SessionUser } from '../../shared/types'
import type { OperationName } from '../../shared/operations'
import { writeAudit } from './audit'
import type { AppContext } from './context'
import { writeTransaction } from './tx'

export const REFUSAL_WINDOW_MS = 60_000
export const MAX_PENDING = 1_000
export const COUNT_FLUSH_MS = 1_000
const MAX_FIELDS = 20
const MAX_FIELD_NAME = 60

interface Refusal {
  user: SessionUser
  op: OperationName
  reason: string
  fields?: readonly string[]
  detail?: Record<string, unknown>
}

interface Pending {
  refusal: Refusal
  /** When the row that opened this window was written (ms). */
  since: number
  repeats: number
  firstRepeatAt: string | null
  lastRepeatAt: string | null
  fields: Set<string>
}

class RefusalRecorder {
  private readonly pending = new Map<string, Pending>()
  private timer: NodeJS.Timeout | null = null
  private countTimer: NodeJS.Timeout | null = null

  constructor(private readonly ctx: AppContext) {}

  async record(sessionKey: string, r: Refusal): Promise<void> {
    const now = this.ctx.clock()
    const key = `${sessionKey}\u0000${r.op}\u0000${r.reason}`
    const open = this.pending.get(key)
    if (open && now.getTime() - open.since < REFUSAL_WINDOW_MS) {
      open.repeats++
      open.firstRepeatAt ??= now.toISOString()
      open.lastRepeatAt = now.toISOString()
      for (const f of r.fields ?? []) if (open.fields.size < MAX_FIELDS) open.fields.add(f.slice(0, MAX_FIELD_NAME))
      this.startCountTimer()
      return
    }
    // The window opens before anything is awaited: a repeat arriving while the first row is being
    // written (the server ledger's lock, a round trip) is counted in it, not written as a row of its own.
    const rows = open ? this.take([key]) : []
    if (this.pending.size >= MAX_PENDING) rows.push(...this.take())
    const fields = (r.fields ?? []).slice(0, MAX_FIELDS).map((f) => f.slice(0, MAX_FIELD_NAME))
    rows.push({ r, at: now.toISOString(), detail: { reason: r.reason, ...(r.fields ? { fields } : {}), ...r.detail } })
    const window: Pending = { refusal: r, since: now.getTime(), repeats: 0, firstRepeatAt: null, lastRepeatAt: null, fields: new Set() }
    this.pending.set(key, window)
    this.startTimer()
    // Not on the record (logged): its window must not count repeats of a row that is not there.
    if (!(await this.write(rows)) && this.pending.get(key) === window) this.pending.delete(key)
  }

  /** Takes the windows (all by default) out of memory, with the rows of their counted repeats. */
  private take(keys: Iterable<string> = [...this.pending.keys()]): { r: Refusal; at: string; detail: Record<string, unknown> }[] {
    const rows: { r: Refusal; at: string; detail: Record<string, unknown> }[] = []
    for (const key of keys) {
      const p = this.pending.get(key)
      if (!p) continue
      this.pending.delete(key)
      if (p.repeats === 0) continue
      rows.push({ r: p.refusal, at: p.lastRepeatAt!, detail: this.repeatDetail(p) })
    }
    return rows
  }

  /** Writes the counts of the given windows (all by default) and forgets them. */
  async flush(keys: Iterable<string> = [...this.pending.keys()]): Promise<void> {
    const rows = this.take(keys)
    await this.write(rows)
    if (this.pending.size === 0) this.stopTimer()
    if (![...this.pending.values()].some((p) => p.repeats > 0) && this.countTimer) {
      clearTimeout(this.countTimer)
      this.countTimer = null
    }
  }

  /** Writes the repeats counted so far of every window, and keeps the windows open (the timer a
   * second after a repeat: a killed process loses at most that second). */
  async flushCounts(): Promise<void> {
    if (this.countTimer) clearTimeout(this.countTimer)
    this.countTimer = null
    const rows: { r: Refusal; at: string; detail: Record<string, unknown> }[] = []
    for (const p of this.pending.values()) {
      if (p.repeats === 0) continue
      rows.push({ r: p.refusal, at: p.lastRepeatAt!, detail: this.repeatDetail(p) })
      p.repeats = 0
      p.firstRepeatAt = null
      p.lastRepeatAt = null
      p.fields = new Set()
    }
    await this.write(rows)
  }

  private repeatDetail(p: Pending): Record<string, unknown> {
    return {
      reason: p.refusal.reason,
      ...(p.fields.size ? { fields: [...p.fields] } : {}),
      repeats: p.repeats,
      firstRepeatAt: p.firstRepeatAt,
      lastRepeatAt: p.lastRepeatAt,
    }
  }

  private startCountTimer(): void {
    if (this.countTimer) return
    this.countTimer = setTimeout(() => {
      this.countTimer = null
      if (this.ctx.ledger.isOpen()) void this.flushCounts().catch((err: unknown) => this.ctx.logger.error({ code: 'REFUSAL_FLUSH_FAILED', err }, 'repeat counts could not be written'))
    }, COUNT_FLUSH_MS)
    this.countTimer.unref()
  }

  /** Writes the windows that have passed. */
  async flushExpired(): Promise<void> {
    const now = this.ctx.clock().getTime()
    await this.flush([...this.pending].filter(([, p]) => now - p.since >= REFUSAL_WINDOW_MS).map(([k]) => k))
  }

  /** Writes the rows in one transaction; false (logged) when that failed. */
  private async write(rows: { r: Refusal; at: string; detail: Record<string, unknown> }[]): Promise<boolean> {
    if (!rows.length) return true
    try {
      await writeTransaction(this.ctx.db, async (tx) => {
        for (const { r, at, detail } of rows)
          await writeAudit(tx, { at, actorId: r.user.staffId, actorLoginId: r.user.loginId, action: r.op, outcome: 'refused', detail })
      })
      return true
    } catch (err) {
      // The refusal still reaches the caller; the failure goes to the log.
      this.ctx.logger.error({ code: 'AUDIT_WRITE_FAILED', rows: rows.length, err }, 'could not audit refusals')
      return false
    }
  }

  private startTimer(): void {
    if (this.timer) return
    this.timer = setInterval(() => {
      if (!this.ctx.ledger.isOpen()) return this.stopTimer()
      void this.flushExpired().catch((err: unknown) => this.ctx.logger.error({ code: 'REFUSAL_FLUSH_FAILED', err }, 'repeat counts could not be written'))
    }, REFUSAL_WINDOW_MS)
    this.timer.unref()
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}

const recorders = new WeakMap<AppContext, RefusalRecorder>()

function recorderOf(ctx: AppContext): RefusalRecorder {
  let r = recorders.get(ctx)
  if (!r) recorders.set(ctx, (r = new RefusalRecorder(ctx)))
  return r
}

/** Records a refusal of a logged-in user's call (coalesced as described above). */
export async function recordRefusal(ctx: AppContext, sessionKey: string, refusal: Refusal): Promise<void> {
  await recorderOf(ctx).record(sessionKey, refusal)
}

/** Writes every count still in memory: before the ledger closes, and in tests. */
export async function flushRefusals(ctx: AppContext): Promise<void> {
  await recorders.get(ctx)?.flush()
}
