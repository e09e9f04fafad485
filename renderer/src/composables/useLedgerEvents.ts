// Live updates: one subscription to the main side's "ledger changed" events for the whole page,
// shared by every view that listens; views reload what they show when an event concerns it.
import { onBeforeUnmount, onMounted } from 'vue'
import { inBackground, onLedgerChanged } from '../api/client'
import type { LedgerChangedEvent } from '../../../shared/operations'

type Listener = (e: LedgerChangedEvent) => void

const listeners = new Set<Listener>()
let unsubscribe: (() => void) | null = null

/** What a listener reloads is the window's own work, not its person's: it never renews the session. */
function dispatch(e: LedgerChangedEvent): void {
  for (const l of [...listeners]) inBackground(() => l(e))
}

export function addLedgerListener(l: Listener): () => void {
  listeners.add(l)
  if (!unsubscribe) {
    try {
      unsubscribe = onLedgerChanged(dispatch)
    } catch {
      unsubscribe = null // no transport: nothing to listen to (the app shows the connection error)
    }
  }
  return () => {
    listeners.delete(l)
    if (listeners.size === 0 && unsubscribe) {
      unsubscribe()
      unsubscribe = null
    }
  }
}

/** Listen while the calling component is mounted. */
export function useLedgerEvents(l: Listener): void {
  let off: (() => void) | null = null
  onMounted(() => {
    off = addLedgerListener(l)
  })
  onBeforeUnmount(() => off?.())
}
