// What a store action hands back to a component: the value, or the AppError (already shown in the
// notification place by the store). Components read `error.fields` to mark fields in red.
import { AppError } from '../../../shared/errors'

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AppError }

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  return new AppError('INTERNAL')
}
