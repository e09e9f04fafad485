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
  'branches.list',
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

/**
 * What each operation does to the ledger, declared once: the read-only head office (本部) may run
 * only what does not change it, and the dispatcher refuses the rest in one place.
 * - 'reads': a query, or a command that only leaves its own trail (an audit-log search, a CSV
 *   export: recorded as viewed, nothing else written).
 * - 'own-session': the caller's own session and password (login, logout, パスワード変更).
 * - 'changes': writes the ledger (a request, a customer, staff, settings, a print, a backup...).
 */
export type OperationEffect = 'reads' | 'own-session' | 'changes'
export const OPERATION_EFFECTS: { readonly [K in OperationName]: OperationEffect } = {
  'system.info': 'reads',
  'auth.state': 'reads',
  'auth.setupFirstAdmin': 'changes',
  'auth.login': 'own-session',
  'auth.logout': 'own-session',
  'auth.changePassword': 'own-session',
  'auth.activity': 'own-session',
  'staff.list': 'reads',
  'staff.create': 'changes',
  'staff.unlock': 'changes',
  'staff.resetPassword': 'changes',
  'staff.changeRole': 'changes',
  'staff.rename': 'changes',
  'staff.retire': 'changes',
  'settings.get': 'reads',
  'settings.update': 'changes',
  'branches.list': 'reads',
  'customers.search': 'reads',
  'customers.get': 'reads',
  'requests.receiveNewApplication': 'changes',
  'requests.receiveSuspension': 'changes',
  'requests.receiveResumption': 'changes',
  'requests.receiveCancellation': 'changes',
  'requests.receiveRestrictionRelease': 'changes',
  'requests.receiveUnlock': 'changes',
  'requests.get': 'reads',
  'requests.pendingReview': 'reads',
  'requests.returnedToMe': 'reads',
  'requests.approve': 'changes',
  'requests.return': 'changes',
  'requests.resubmit': 'changes',
  'requests.withdraw': 'changes',
  'requests.decideUnlock': 'changes',
  'requests.takeOver': 'changes',
  'requests.myDay': 'reads',
  'refusals.recordUnlockFraud': 'changes',
  'journal.list': 'reads',
  'events.record': 'changes',
  'forms.preview': 'reads',
  'forms.print': 'changes', // archived, recorded: a print is on the ledger
  'forms.previewDailyJournal': 'reads',
  'forms.printDailyJournal': 'changes',
  'backups.overview': 'reads',
  'backups.start': 'changes',
  'backups.restore': 'changes',
  'integrity.status': 'reads',
  'integrity.verify': 'changes', // records the verification
  'integrity.exportDigest': 'changes',
  'integrity.checkAnchor': 'reads', // compares a printed digest; only its audit row is written
  'imports.chooseFile': 'changes',
  'imports.inspect': 'reads',
  'imports.start': 'changes',
  'imports.job': 'reads',
  'exports.requests': 'reads',
  'exports.journal': 'reads',
  'exports.customers': 'reads',
  'exports.figures': 'reads',
  'figures.summary': 'reads',
  'audit.search': 'reads',
  'audit.entry': 'reads',
  'exports.audit': 'reads',
}

/** Whether a role may run an operation of this effect at all: the head office changes nothing. */
export function effectAllowed(role: string, op: OperationName): boolean {
  return role !== 'head_office' || OPERATION_EFFECTS[op] !== 'changes'
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
    // Another app instance on the same ledger file changed it in ways its rows do not tell
    // (electron/main/otherInstances.ts): every screen that listens reloads.
    | 'ledger_changed'
}
