// Paper requests: a teller receives them (受付), a supervisor checks and approves them (検印・承認);
// the customer's receipt (お客さま控) is printed from here.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call } from '../api/client'
import type { OpInput } from '../../../shared/contract'
import type { PrintedForm, RequestDetail, RequestSummary } from '../../../shared/types'
import type { Outcome } from '../lib/outcome'
import { useNotifyStore } from './notify'

export const useRequestsStore = defineStore('requests', () => {
  /** 検印待ち, oldest first (as the main side returns it). */
  const queue = ref<RequestSummary[]>([])
  const queueLoaded = ref(false)
  const queueLoading = ref(false)
  const current = ref<RequestDetail | null>(null)
  const loading = ref(false)

  const queueCount = computed(() => queue.value.length)

  // 新規申込
  async function receiveNewApplication(input: OpInput<'requests.receiveNewApplication'>): Promise<Outcome<RequestDetail>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('requests.receiveNewApplication', input))
    if (r.ok) notify.success(`新規申込を受け付けました（受付番号 ${r.value.receiptNo}）。役席の検印をお待ちください。`)
    return r
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
      notify.success(`検印・承認しました（受付番号 ${r.value.receiptNo}）。`)
    }
    return r
  }

  // お客さま控
  async function printCustomerReceipt(requestId: number): Promise<Outcome<PrintedForm>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('forms.customerReceipt', { requestId }))
    if (r.ok) notify.success(r.value.reprint ? `お客さま控（再発行）を出力しました：${r.value.fileName}` : `お客さま控を出力しました：${r.value.fileName}`)
    return r
  }

  function reset(): void {
    queue.value = []
    queueLoaded.value = false
    current.value = null
  }

  return {
    queue,
    queueLoaded,
    queueLoading,
    queueCount,
    current,
    loading,
    receiveNewApplication,
    loadQueue,
    load,
    approve,
    printCustomerReceipt,
    reset,
  }
})
