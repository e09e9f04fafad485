// How many operations are being served on a context right now. A restore replaces the ledger
// under every service; it goes ahead only when it is the one operation in flight (the swap itself
// is synchronous, so no other operation can start while it runs).
import type { AppContext } from './context'

const counts = new WeakMap<AppContext, number>()
const lastLeft = new WeakMap<AppContext, number>()

export function enterOperation(ctx: AppContext): void {
  counts.set(ctx, (counts.get(ctx) ?? 0) + 1)
}

export function leaveOperation(ctx: AppContext): void {
  counts.set(ctx, Math.max(0, (counts.get(ctx) ?? 1) - 1))
  lastLeft.set(ctx, Date.now())
}

/** Milliseconds (real time) since the last operation ended; Infinity if none has yet. */
export function msSinceLastOperation(ctx: AppContext): number {
  const t = lastLeft.get(ctx)
  return t === undefined ? Infinity : Date.now() - t
}

export function operationsInFlight(ctx: AppContext): number {
  return counts.get(ctx) ?? 0
}
