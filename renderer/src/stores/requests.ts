// Paper requests: a teller receives them (受付), a supervisor checks them (検印) and approves
// (承認) or returns them (差戻し); the teller corrects and resubmits (再提出) or withdraws (取消) a
// returned one. Every write sends the version the screen showed; a refusal because someone else
// acted first comes back as STALE_VERSION / REQUEST_NOT_PENDING with its Japanese message
// (isConcurrencyError). The forms printed for a request are in stores/forms.ts.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call } from '../api/client'
import type { OpInput } from '../../../shared/contract'
import type { AppError } from '../../../shared/errors'
import { REQUEST_PAGE_DEFAULT, REQUEST_PAGE_MAX, type RequestForm } from '../../../shared/schemas'
import { STATUS_LABELS } from '../../../shared/status'
import type { RequestCursor, RequestDetail, RequestSummary } from '../../../shared/types'
import { requestKindLabel } from '../lib/format'
import type { Outcome } from '../lib/outcome'
import { useNotifyStore } from './notify'
import { useBranchesStore } from './branches'

/** Someone else acted on the same request or customer first: the screen must reload its data. */
export function isConcurrencyError(e: AppError): boolean {
  return e.code === 'STALE_VERSION' || e.code === 'REQUEST_NOT_PENDING'
}

/** 受付: one operation per kind, each with the kind's own schema, and the key the form made when it
 * opened (a repeat of the key answers the request the first submit received). */
function receiveCall(form: RequestForm, submissionKey: string): Promise<RequestDetail> {
  switch (form.kind) {
    case 'new_application': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveNewApplication', { ...input, submissionKey })
    }
    case 'suspension': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveSuspension', { ...input, submissionKey })
    }
    case 'resumption': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveResumption', { ...input, submissionKey })
    }
    case 'cancellation': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveCancellation', { ...input, submissionKey })
    }
    case 'restriction_release': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveRestrictionRelease', { ...input, submissionKey })
    }
    case 'unlock': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveUnlock', { ...input, submissionKey })
    }
  }
}

/**
 * A request list the main side serves one screen at a time (検印待ち一覧, 差戻し一覧): the rows shown
 * so far, oldest first, the count of the whole list, and where the next screen starts.
 * - `reload()` (opening the screen, 最新の状態にする, a ledger event) reads again as many rows as are
 *   shown (in whole screens, at least one), so a refresh does not take away what the user opened with
 *   さらに表示. Calls made while one runs are folded into one more run after it.
 * - `more()` appends the next screen. A reload started meanwhile wins: the older answer is dropped.
 */
function pagedList(op: 'requests.pendingReview' | 'requests.returnedToMe', scope: () => { branchCode?: string } = () => ({})) {
  const items = ref<RequestSummary[]>([])
  const total = ref(0)
  const next = ref<RequestCursor | null>(null)
  const loaded = ref(false)
  const loading = ref(false)
  const loadingMore = ref(false)
  let generation = 0
  let running: Promise<void> | null = null
  let again = false

  async function readScreens(): Promise<void> {
    const gen = ++generation
    // Whole screens: the main side prepares one query per screen size.
    const wanted = Math.max(1, Math.ceil(items.value.length / REQUEST_PAGE_DEFAULT)) * REQUEST_PAGE_DEFAULT
    const rows: RequestSummary[] = []
    let after: RequestCursor | null = null
    let count = 0
    do {
      const limit = Math.min(REQUEST_PAGE_MAX, wanted - rows.length)
      const r = await useNotifyStore().attempt(() => call(op, after ? { ...scope(), limit, after } : { ...scope(), limit }))
      if (!r.ok || gen !== generation) return
      rows.push(...r.value.items)
      count = r.value.total
      after = r.value.nextCursor
    } while (after && rows.length < wanted)
    items.value = rows
    total.value = count
    next.value = after
    loaded.value = true
  }

  function reload(): Promise<void> {
    if (running) {
      again = true
      return running
    }
    loading.value = true
    running = (async () => {
      try {
        do {
          again = false
          await readScreens()
        } while (again)
      } finally {
        running = null
        loading.value = false
      }
    })()
    return running
  }

  async function more(): Promise<void> {
    const after = next.value
    if (!after || loadingMore.value) return
    const gen = generation
    loadingMore.value = true
    try {
      const r = await useNotifyStore().attempt(() => call(op, { ...scope(), limit: REQUEST_PAGE_DEFAULT, after }))
      if (!r.ok || gen !== generation) return
      const shown = new Set(items.value.map((q) => q.id))
      items.value = [...items.value, ...r.value.items.filter((q) => !shown.has(q.id))]
      total.value = r.value.total
      next.value = r.value.nextCursor
    } finally {
      loadingMore.value = false
    }
  }

  /** A request that left the list by this user's own action (approved, returned, resubmitted ...). */
  function drop(requestId: number): void {
    if (!items.value.some((q) => q.id === requestId)) return
    items.value = items.value.filter((q) => q.id !== requestId)
    total.value = Math.max(0, total.value - 1)
  }

  function clear(): void {
    generation++
    items.value = []
    total.value = 0
    next.value = null
    loaded.value = false
  }

  /** Requests in the list beyond the rows shown. */
  const remaining = computed(() => Math.max(0, total.value - items.value.length))
  return { items, total, next, loaded, loading, loadingMore, remaining, reload, more, drop, clear }
}

export const useRequestsStore = defineStore('requests', () => {
  /** 検印待ち, oldest first (as the main side returns it), one screen at a time. */
  // The head office's queue is of the branch it chose (stores/branches.ts).
  const queueList = pagedList('requests.pendingReview', () => useBranchesStore().param)
  const queue = queueList.items
  const queueLoaded = queueList.loaded
  const queueLoading = queueList.loading
  const current = ref<RequestDetail | null>(null)
  const loading = ref(false)

  /** The caller's own requests a supervisor returned (差戻し), one screen at a time. */
  const returnedList = pagedList('requests.returnedToMe')
  const returned = returnedList.items
  const returnedLoaded = returnedList.loaded
  const returnedLoading = returnedList.loading

  /** The request this supervisor approved last (検印・承認 or 役席認証), so that the queue can offer
   * its 処理完了のお知らせ and 取扱記録票 right after the approval. */
  const lastApproved = ref<RequestDetail | null>(null)

  /** How many wait in all (the badge and the list's heading), not only the rows shown. */
  const queueCount = computed(() => queueList.total.value)
  const returnedCount = computed(() => returnedList.total.value)

  // 受付 (any kind)
  async function receive(form: RequestForm, submissionKey: string): Promise<Outcome<RequestDetail>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => receiveCall(form, submissionKey))
    if (r.ok)
      notify.success(
        `${requestKindLabel(r.value.kind)}を受け付けました（受付番号 ${r.value.receiptNo}）。` +
          (r.value.kind === 'unlock' ? '役席認証で役席の承認を受けてください。' : '役席の検印をお待ちください。'),
      )
    return r
  }

  const loadReturned = returnedList.reload
  const moreReturned = returnedList.more
  const loadQueue = queueList.reload
  const moreQueue = queueList.more

  async function load(requestId: number): Promise<Outcome<RequestDetail>> {
    if (current.value?.id !== requestId) current.value = null
    loading.value = true
    try {
      const r = await useNotifyStore().attempt(() => call('requests.get', { requestId }))
      if (r.ok) current.value = r.value
      return r
    } finally {
      loading.value = false
    }
  }

  // 検印・承認
  async function approve(requestId: number, version: number): Promise<Outcome<RequestDetail>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('requests.approve', { requestId, version }))
    if (r.ok) {
      current.value = r.value
      queueList.drop(requestId)
      lastApproved.value = r.value
      notify.success(`検印・承認しました（受付番号 ${r.value.receiptNo}）。`)
    }
    return r
  }

  // 差戻し (supervisor): the teller sees the reason.
  async function returnRequest(requestId: number, version: number, reason: string): Promise<Outcome<RequestDetail>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('requests.return', { requestId, version, reason }))
    if (r.ok) {
      current.value = r.value
      queueList.drop(requestId)
      notify.success(`差戻ししました（受付番号 ${r.value.receiptNo}）。受付者の差戻し一覧に表示されます。`)
    }
    return r
  }

  // 閉塞解除の承認／差戻し with 役席認証: the supervisor's ID and password typed at this moment, on
  // the counter terminal or on the 検印 screen. Refusals (wrong password, not a supervisor, own
  // request, repeat not acknowledged ...) are shown in the approval dialog itself, not here.
  async function decideUnlock(input: OpInput<'requests.decideUnlock'>): Promise<Outcome<RequestDetail>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('requests.decideUnlock', input), { silent: true })
    if (r.ok) {
      if (current.value?.id === r.value.id) current.value = r.value
      queueList.drop(r.value.id)
      if (r.value.state === 'approved') {
        lastApproved.value = r.value
        notify.success(
          `閉塞解除を承認しました（受付番号 ${r.value.receiptNo}・承認者 ${r.value.reviewedByName ?? ''}）。登録状況は「${STATUS_LABELS[r.value.resultStatus]}」です。`,
        )
      } else notify.success(`閉塞解除を差戻ししました（受付番号 ${r.value.receiptNo}）。受付者の差戻し一覧に表示されます。`)
    }
    return r
  }

  // 再提出 (the receiving teller): back to 検印待ち with the corrected form.
  async function resubmit(requestId: number, version: number, form: RequestForm): Promise<Outcome<RequestDetail>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('requests.resubmit', { requestId, version, form }))
    if (r.ok) {
      current.value = r.value
      returnedList.drop(requestId)
      notify.success(`再提出しました（受付番号 ${r.value.receiptNo}）。役席の検印をお待ちください。`)
    }
    return r
  }

  // 取消 (the receiving teller), from 検印待ち or 差戻し.
  async function withdraw(requestId: number, version: number, reason: string): Promise<Outcome<RequestDetail>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('requests.withdraw', { requestId, version, reason }))
    if (r.ok) {
      current.value = r.value
      returnedList.drop(requestId)
      queueList.drop(requestId)
      notify.success(`依頼を取り消しました（受付番号 ${r.value.receiptNo}）。`)
    }
    return r
  }

  // 引継ぎ: a teller of the branch takes over a returned request (its receiver is away).
  async function takeOver(requestId: number, version: number): Promise<Outcome<RequestDetail>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('requests.takeOver', { requestId, version }))
    if (r.ok) {
      current.value = r.value
      returned.value = returned.value.map((q) => (q.id === requestId ? r.value : q))
      notify.success(`依頼を引き継ぎました（受付番号 ${r.value.receiptNo}）。修正して再提出するか、取り消してください。`)
    }
    return r
  }

  function reset(): void {
    queueList.clear()
    returnedList.clear()
    current.value = null
    lastApproved.value = null
  }

  return {
    queue,
    queueLoaded,
    queueLoading,
    queueCount,
    queueRemaining: queueList.remaining,
    queueMoreLoading: queueList.loadingMore,
    returned,
    returnedLoaded,
    returnedLoading,
    returnedCount,
    returnedRemaining: returnedList.remaining,
    returnedMoreLoading: returnedList.loadingMore,
    current,
    loading,
    receive,
    loadQueue,
    moreQueue,
    loadReturned,
    moreReturned,
    load,
    approve,
    returnRequest,
    decideUnlock,
    resubmit,
    withdraw,
    takeOver,
    lastApproved,
    reset,
  }
})
