// The idle lock, in the window itself: only what the person does counts (a key, the pointer, a
// command or query they start); refreshes the window makes on its own (after another staff
// member's action) do not. Activity is reported to the main side (auth.activity) at most every
// few seconds, and the window locks when the last activity the main side knows of is the idle
// time old: the same moment the main side's session expires, not waiting for the next call.
import { onBeforeUnmount, onMounted } from 'vue'
import { call, inBackground, setForegroundCallListener } from '../api/client'
import { useSessionStore } from '../stores/session'

const EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const

export function useIdleLock(): void {
  const session = useSessionStore()
  /** When the main side last heard of this person (a call they started, an activity report). */
  let acknowledged = Date.now()
  let reporting = false
  let timer: ReturnType<typeof setInterval> | null = null

  const reportEvery = () => Math.min(30_000, Math.max(500, session.idleMs / 6))

  function onActivity(): void {
    if (!session.user || reporting) return
    if (Date.now() - acknowledged < reportEvery()) return
    reporting = true
    // A foreground query: the main side renews the session (the call listener moves `acknowledged`).
    void call('auth.activity', {})
      .catch(() => undefined)
      .finally(() => (reporting = false))
  }

  function check(): void {
    if (!session.user) {
      acknowledged = Date.now()
      return
    }
    if (Date.now() - acknowledged >= session.idleMs) inBackground(() => session.lockIdle())
  }

  onMounted(() => {
    setForegroundCallListener(() => (acknowledged = Date.now()))
    for (const e of EVENTS) window.addEventListener(e, onActivity, { capture: true, passive: true })
    timer = setInterval(check, 250)
  })
  onBeforeUnmount(() => {
    setForegroundCallListener(null)
    for (const e of EVENTS) window.removeEventListener(e, onActivity, { capture: true })
    if (timer) clearInterval(timer)
  })
}
