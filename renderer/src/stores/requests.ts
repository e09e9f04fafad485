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
import type { RequestForm } from '../../../shared/schemas'
import { STATUS_LABELS } from '../../../shared/status'
import type { RequestDetail, RequestSummary } from '../../../shared/types'
import { requestKindLabel } from '../lib/format'
import type { Outcome } from '../lib/outcome'
import { useNotifyStore } from './notify'

/** Someone else acted on the same request or customer first: the screen must reload its data. */
export function isConcurrencyError(e: AppError): boolean {
  return e.code === 'STALE_VERSION' || e.code === 'REQUEST_NOT_PENDING'
}

/** 受付: one operation per kind, each with the kind's own schema. */
function receiveCall(form: RequestForm): Promise<RequestDetail> {
  switch (form.kind) {
    case 'new_application': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveNewApplication', input)
    }
    case 'suspension': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveSuspension', input)
    }
    case 'resumption': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveResumption', input)
    }
    case 'cancellation': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveCancellation', input)
    }
    case 'restriction_release': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveRestrictionRelease', input)
    }
    case 'unlock': {
      const { kind: _kind, ...input } = form
      return call('requests.receiveUnlock', input)
    }
  }
}

export const useRequestsStore = defineStore('requests', () => {
  /** 検印待ち, oldest first (as the main side returns it). */
  const queue = ref<RequestSummary[]>([])
  const queueLoaded = ref(false)
  const queueLoading = ref(false)
  const current = ref<RequestDetail | null>(null)
  const loading = ref(false)

  /** The caller's own requests a supervisor returned (差戻し). */
  const returned = ref<RequestSummary[]>([])
  const returnedLoaded = ref(false)
  const returnedLoading = ref(false)

  /** The request this supervisor approved last (検印・承認 or 役席認証), so that the queue can offer
   * its 処理完了のお知らせ and 取扱記録票 right after the approval. */
  const lastApproved = ref<RequestDetail | null>(null)

  const queueCount = computed(() => queue.value.length)
  const returnedCount = computed(() => returned.value.length)

  // 受付 (any kind)
  async function receive(form: RequestForm): Promise<Outcome<RequestDetail>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => receiveCall(form))
    if (r.ok)
      notify.success(
        `${requestKindLabel(r.value.kind)}を受け付けました（受付番号 ${r.value.receiptNo}）。` +
          (r.value.kind === 'unlock' ? '役席認証で役席の承認を受けてください。' : '役席の検印をお待ちください。'),
      )
    return r
  }

  async function loadReturned(): Promise<void> {
    returnedLoading.value = true
    try {
      const r = await useNotifyStore().attempt(() => call('requests.returnedToMe', {}))
      if (r.ok) {
        returned.value = r.value
        returnedLoaded.value = true
      }
    } finally {
      returnedLoading.value = false
    }
  }

  async function loadQueue(): Promise<void> {
    queueLoading.value = true
    try {
      const r = await useNotifyStore().attempt(() => call('requests.pendingReview', {}))
      if (r.ok) {
        queue.value = r.value
        queueLoaded.value = true
      }
    } finally {
      queueLoading.value = false
    }
  }

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
      queue.value = queue.value.filter((q) => q.id !== requestId)
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
      queue.value = queue.value.filter((q) => q.id !== requestId)
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
      queue.value = queue.value.filter((q) => q.id !== r.value.id)
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
      returned.value = returned.value.filter((q) => q.id !== requestId)
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
      returned.value = returned.value.filter((q) => q.id !== requestId)
      queue.value = queue.value.filter((q) => q.id !== requestId)
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
    queue.value = []
    queueLoaded.value = false
    returned.value = []
    returnedLoaded.value = false
    current.value = null
    lastApproved.value = null
  }

  return {
    queue,
    queueLoaded,
    queueLoading,
    queueCount,
    returned,
    returnedLoaded,
    returnedLoading,
    returnedCount,
    current,
    loading,
    receive,
    loadQueue,
    loadReturned,
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
