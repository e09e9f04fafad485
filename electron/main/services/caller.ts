import { AppError } from '../../../shared/errors'
import type { SessionUser } from '../../../shared/types'

/** The caller of an operation, as the dispatcher established it from the main-side session. */
export interface Caller {
  sessionKey: string
  user: SessionUser | null
}

export function requireUser(caller: Caller): SessionUser {
  if (!caller.user) throw new AppError('NOT_AUTHENTICATED')
  return caller.user
}

/** Marks an error whose refusal the service has already written to the audit trail. */
export function audited(err: AppError): AppError {
  ;(err as AppError & { audited?: boolean }).audited = true
  return err
}

export function isAudited(err: unknown): boolean {
  return !!(err as { audited?: boolean } | null)?.audited
}
