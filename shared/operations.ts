// The names of every IPC operation and main-to-renderer event. Kept apart from contract.ts (which
// carries the schemas) so that the preload can import the list without bundling zod.

export const OPERATION_NAMES = [
  'system.info',
  'auth.state',
  'auth.setupFirstAdmin',
  'auth.login',
  'auth.logout',
  'auth.changePassword',
  'auth.activity',
  'staff.list',
  'staff.create',
  'staff.unlock',
  'staff.resetPassword',
  'staff.changeRole',
  'staff.rename',
  'staff.retire',
  'settings.get',
  'settings.update',
  'customers.search',
  'customers.get',
  'requests.receiveNewApplication',
  'requests.receiveSuspension',
  'requests.receiveResumption',
  'requests.receiveCancellation',
  'requests.receiveRestrictionRelease',
  'requests.receiveUnlock',
  'requests.get',
  'requests.pendingReview',
  'requests.returnedToMe',
  'requests.approve',
  'requests.return',
  'requests.resubmit',
  'requests.withdraw',
  'requests.decideUnlock',
  'requests.takeOver',
  'requests.myDay',
  'refusals.recordUnlockFraud',
  'journal.list',
  'events.record',
  'forms.preview',
  'forms.print',
  'forms.previewDailyJournal',
  'forms.printDailyJournal',
  'backups.overview',
  'backups.start',
  'backups.restore',
  'integrity.status',
  'integrity.verify',
  'integrity.exportDigest',
  'integrity.checkAnchor',
  'imports.chooseFile',
  'imports.inspect',
  'imports.start',
  'imports.job',
  'exports.requests',
  'exports.journal',
  'exports.customers',
  'exports.figures',
  'figures.summary',
  'audit.search',
  'audit.entry',
  'exports.audit',
] as const

export type OperationName = (typeof OPERATION_NAMES)[number]

export function isOperationName(x: unknown): x is OperationName {
  return typeof x === 'string' && (OPERATION_NAMES as readonly string[]).includes(x)
}

/** One IPC channel per operation, namespaced. */
export const IPC_PREFIX = 'otp:'
export const channelOf = (op: OperationName): string => IPC_PREFIX + op

/** Main-to-renderer events: the ledger changed; views that show the named customer or queue reload. */
export const EVENT_CHANNEL = 'otp-event:ledger-changed'
export interface LedgerChangedEvent {
  customerId?: number
  requestId?: number
  kind:
    | 'request_received'
    | 'request_approved'
    | 'request_returned'
    | 'request_resubmitted'
    | 'request_withdrawn'
    | 'request_superseded'
    | 'request_taken_over'
    | 'unlock_refused'
    | 'event_recorded'
    | 'staff_changed'
    | 'customers_imported'
}
