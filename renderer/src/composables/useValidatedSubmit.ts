// The submit every validated form shares: validate all fields first (nothing is sent while one is
// wrong), keep the button busy while the action runs (a second click waits), and on a refusal
// keep its message and mark the fields the main side named. What success means is the caller's.
import { ref } from 'vue'
import type { AppError } from '../../../shared/errors'
import type { Outcome } from '../lib/outcome'

interface Validation<T> {
  validateAll(): boolean
  readonly parsed: { readonly value: T | undefined | null }
  setServerErrors(fields: AppError['fields']): void
}

export function useValidatedSubmit<T, R>(
  v: Validation<T>,
  action: (input: T) => Promise<Outcome<R>>,
  handlers: {
    ok: (value: R) => unknown
    /** A refusal the caller handles itself (true: no message, no field marks). */
    refused?: (error: AppError) => boolean | Promise<boolean>
    /** Checked before validating: false sends nothing. */
    ready?: () => boolean
  },
) {
  const busy = ref(false)
  const error = ref<string | null>(null)

  async function submit(): Promise<void> {
    error.value = null
    if (handlers.ready && !handlers.ready()) return
    if (busy.value || !v.validateAll() || !v.parsed.value) return
    busy.value = true
    try {
      const r = await action(v.parsed.value)
      if (r.ok) await handlers.ok(r.value)
      else if (!(await handlers.refused?.(r.error))) {
        error.value = r.error.message
        v.setServerErrors(r.error.fields)
      }
    } finally {
      busy.value = false
    }
  }

  return { busy, error, submit }
}
