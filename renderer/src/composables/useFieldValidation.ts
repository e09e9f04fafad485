// Field-by-field validation with the shared zod schema: a field shows its Japanese message once
// the user has left it (or pressed the submit button), and keeps it in step while they correct it.
// Errors the main side sends back (AppError.fields, 'account.number' style keys) are shown too,
// until the field's value changes. The schema may be a getter (a form whose kind can change).
import { computed, ref, toValue, type MaybeRefOrGetter } from 'vue'
import type { z } from 'zod'
import { fieldErrors } from '../../../shared/schemas'

function valueAt(obj: unknown, path: string): string {
  let v: unknown = obj
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined
  return JSON.stringify(v ?? null)
}

export function useFieldValidation<S extends z.ZodType>(
  schema: MaybeRefOrGetter<S>,
  draft: () => unknown,
  extra: () => Record<string, string> = () => ({}),
) {
  const touched = ref(new Set<string>())
  const submitted = ref(false)
  const server = ref<Record<string, { message: string; value: string }>>({})

  const result = computed(() => toValue(schema).safeParse(draft()))
  const clientErrors = computed<Record<string, string>>(() => ({
    ...(result.value.success ? {} : fieldErrors(result.value.error)),
    ...extra(),
  }))

  function errorOf(key: string): string | undefined {
    const s = server.value[key]
    if (s && s.value === valueAt(draft(), key)) return s.message
    if (submitted.value || touched.value.has(key)) return clientErrors.value[key]
    return undefined
  }

  function touch(...keys: string[]): void {
    const next = new Set(touched.value)
    for (const k of keys) next.add(k)
    touched.value = next
  }

  /** For @update:focused="v.focusChanged($event, 'key')": validate when the field loses the focus. */
  function focusChanged(focused: boolean, ...keys: string[]): void {
    if (!focused) touch(...keys)
  }

  /** On submit: show every message; true when the draft is valid. */
  function validateAll(): boolean {
    submitted.value = true
    return Object.keys(clientErrors.value).length === 0
  }

  function setServerErrors(fields: Record<string, string> | undefined): void {
    const next: Record<string, { message: string; value: string }> = {}
    for (const [k, message] of Object.entries(fields ?? {})) next[k] = { message, value: valueAt(draft(), k) }
    server.value = next
  }

  function reset(): void {
    touched.value = new Set()
    submitted.value = false
    server.value = {}
  }

  const parsed = computed<z.output<S> | null>(() => (result.value.success ? (result.value.data as z.output<S>) : null))
  const errorCount = computed(() => Object.keys(clientErrors.value).length)

  return { errorOf, touch, focusChanged, validateAll, setServerErrors, reset, parsed, errorCount, clientErrors }
}
