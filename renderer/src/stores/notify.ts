// The one notification place: a snackbar that shows AppError messages (Japanese, from the main
// side or the shared registry) and success messages. Every store reports through it.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppError } from '../../../shared/errors'
import { toAppError, type Outcome } from '../lib/outcome'
import { useSessionStore } from './session'

export type NoticeKind = 'success' | 'error' | 'info'

export const useNotifyStore = defineStore('notify', () => {
  const visible = ref(false)
  const message = ref('')
  const kind = ref<NoticeKind>('info')
  /** Bumped on every notice so the snackbar restarts its timer for a repeated message. */
  const seq = ref(0)

  function show(k: NoticeKind, text: string): void {
    kind.value = k
    message.value = text
    seq.value++
    visible.value = true
  }

  function success(text: string): void {
    show('success', text)
  }

  function info(text: string): void {
    show('info', text)
  }

  function error(err: unknown): AppError {
    const e = toAppError(err)
    show('error', e.message)
    // The main-side session ended (idle timeout, lockout): back to the login screen.
    if (e.code === 'NOT_AUTHENTICATED') useSessionStore().expire()
    return e
  }

  function dismiss(): void {
    visible.value = false
  }

  /** Run a call; on failure show the error here and hand it back to the caller. */
  async function attempt<T>(fn: () => Promise<T>, opts: { silent?: boolean } = {}): Promise<Outcome<T>> {
    try {
      return { ok: true, value: await fn() }
    } catch (err) {
      const e = opts.silent ? toAppError(err) : error(err)
      if (opts.silent && e.code === 'NOT_AUTHENTICATED') useSessionStore().expire()
      return { ok: false, error: e }
    }
  }

  return { visible, message, kind, seq, show, success, info, error, dismiss, attempt }
})
