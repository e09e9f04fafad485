// Finding a customer at the counter and the customer currently open (登録状況, requests, history).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from '../api/client'
import type { OpInput } from '../../../shared/contract'
import { EVENT_KIND_LABELS, STATUS_LABELS, type EventKind } from '../../../shared/status'
import type { CustomerDetail, CustomerSummary } from '../../../shared/types'
import type { Outcome } from '../lib/outcome'
import { useNotifyStore } from './notify'

export type SearchMode = 'account' | 'kana' | 'name' | 'ib'

export interface SearchQuery {
  mode: SearchMode
  branchCode: string
  accountNumber: string
  kana: string
  /** お名前（漢字）: 姓から、または名から. */
  name: string
  ibContractId: string
}

export const useCustomersStore = defineStore('customers', () => {
  const query = ref<SearchQuery>({ mode: 'kana', branchCode: '', accountNumber: '', kana: '', name: '', ibContractId: '' })
  const results = ref<CustomerSummary[] | null>(null)
  const searching = ref(false)
  const current = ref<CustomerDetail | null>(null)
  const loading = ref(false)

  async function search(input: OpInput<'customers.search'>): Promise<Outcome<CustomerSummary[]>> {
    searching.value = true
    try {
      const r = await useNotifyStore().attempt(() => call('customers.search', input))
      // A refused search leaves no earlier results on screen as if they answered it.
      results.value = r.ok ? r.value : null
      return r
    } finally {
      searching.value = false
    }
  }

  /** Opens (or reloads) a customer. */
  async function load(customerId: number): Promise<Outcome<CustomerDetail>> {
    if (current.value?.id !== customerId) current.value = null
    loading.value = true
    try {
      const r = await useNotifyStore().attempt(() => call('customers.get', { customerId }))
      if (r.ok) {
        current.value = r.value
        // Keep the search results in step with what we now know.
        const row = results.value?.find((c) => c.id === customerId)
        if (row) row.otpStatus = r.value.otpStatus
      }
      return r
    } finally {
      loading.value = false
    }
  }

  /** Records an event from the centre or the customer (トークン発行, 利用開始, 閉塞, 発行規制); the
   * status changes at once. `customerVersion` is the version of the screen the teller looked at. */
  async function recordEvent(input: OpInput<'events.record'>): Promise<Outcome<CustomerDetail>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('events.record', input))
    if (r.ok) {
      current.value = r.value
      const row = results.value?.find((c) => c.id === r.value.id)
      if (row) row.otpStatus = r.value.otpStatus
      notify.success(
        `「${EVENT_KIND_LABELS[input.kind as EventKind]}」を記録しました。登録状況は「${STATUS_LABELS[r.value.otpStatus]}」です。`,
      )
    }
    return r
  }

  /** 閉塞解除をお断り（不正利用の疑い）: on the record with the customer although no request is sent on. */
  async function recordUnlockRefusal(input: OpInput<'refusals.recordUnlockFraud'>): Promise<Outcome<CustomerDetail>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('refusals.recordUnlockFraud', input))
    if (r.ok) {
      current.value = r.value
      notify.success('閉塞解除のお断りを記録しました（お客さまの履歴・日次取扱一覧に残ります）。続けて利用停止を受け付けてください。')
    }
    return r
  }

  /** A search refused before it was sent (a field message): the earlier results go. */
  function clearResults(): void {
    results.value = null
  }

  function reset(): void {
    query.value = { mode: 'kana', branchCode: '', accountNumber: '', kana: '', name: '', ibContractId: '' }
    results.value = null
    current.value = null
  }

  return { query, results, searching, current, loading, search, load, recordEvent, recordUnlockRefusal, clearResults, reset }
})
