// The script every staff dialog shares: the dialog's v-model (the staff member acted on, or a
// plain open flag), field validation with the operation's zod schema, a fresh form each time the
// dialog opens, and a submit that validates, keeps the button busy while the store action runs,
// closes on success and otherwise marks the fields the main side named.
import { watch, type Ref } from 'vue'
import type { z } from 'zod'
import type { Outcome } from '../lib/outcome'
import { useFieldValidation } from './useFieldValidation'
import { useValidatedSubmit } from './useValidatedSubmit'

export function useStaffDialog<M, S extends z.ZodType>(options: {
  /** The dialog's v-model: open while truthy; `closed` is written back on success. */
  model: Ref<M>
  closed: M
  schema: S
  draft: () => unknown
  extra?: () => Record<string, string>
  /** Clears (or prefills) the form each time the dialog opens. */
  onOpen: (opened: NonNullable<M>) => void
  action: (input: z.output<S>) => Promise<Outcome<unknown>>
}) {
  const { model } = options
  const v = useFieldValidation(options.schema, options.draft, options.extra)

  watch(model, (m) => {
    if (m) {
      options.onOpen(m as NonNullable<M>)
      v.reset()
    }
  })

  // The store has shown a refusal's message already; the dialog marks the fields it named.
  const { busy, submit } = useValidatedSubmit(v, options.action, {
    ready: () => !!model.value,
    ok: () => {
      model.value = options.closed
    },
  })

  return { v, busy, submit }
}
