// Display helpers: labels and colours for statuses, accounts, dates (Japan time, 和暦 where a
// paper form would use it).
import { formatJapanDateTime, toWareki, toWarekiWithSeireki } from '../../../shared/datetime'
import { ACCOUNT_TYPE_LABELS, type AccountType } from '../../../shared/schemas'
import {
  REQUEST_KIND_LABELS,
  REQUEST_STATE_LABELS,
  STATUS_LABELS,
  type OtpStatus,
  type RequestKind,
  type RequestState,
} from '../../../shared/status'

/** Muted colours; the label always carries the meaning, the colour only helps the eye. */
export const STATUS_COLORS: Record<OtpStatus, string> = {
  unregistered: 'grey-darken-1',
  awaiting_issue: 'info',
  token_issued: 'indigo',
  in_use: 'success',
  blocked: 'error',
  suspended: 'warning',
  issuance_restricted: 'deep-orange-darken-3',
  cancelled: 'blue-grey',
}

export const REQUEST_STATE_COLORS: Record<RequestState, string> = {
  pending_review: 'warning',
  approved: 'success',
  returned: 'error',
  withdrawn: 'grey-darken-1',
  superseded: 'blue-grey',
}

export const statusLabel = (s: OtpStatus): string => STATUS_LABELS[s]
export const requestKindLabel = (k: RequestKind): string => REQUEST_KIND_LABELS[k]
export const requestStateLabel = (s: RequestState): string => REQUEST_STATE_LABELS[s]

/** '001-普通-1234567' */
export function accountLabel(branchCode: string, type: AccountType, number: string): string {
  return `${branchCode}-${ACCOUNT_TYPE_LABELS[type]}-${number}`
}

export function dateTime(iso: string | null | undefined): string {
  return iso ? formatJapanDateTime(iso) : '—'
}

/** '昭和50年3月4日（1975年3月4日）' */
export function warekiWithSeireki(ymd: string | null | undefined): string {
  if (!ymd) return '—'
  return toWarekiWithSeireki(ymd)
}

export function wareki(ymd: string | null | undefined): string {
  return ymd ? toWareki(ymd) : '—'
}
