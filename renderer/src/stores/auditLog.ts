// 監査ログ照会 (supervisors: their branch; administrators: every branch): one page of the trail at a
// time, newest first; "more" asks for the next page after the last entry shown.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from '../api/client'
import type { AuditEntryDetail, AuditEntrySummary, AuditCursor, AuditPage } from '../../../shared/auditLog'
import type { OpInput } from '../../../shared/contract'
import type { Outcome } from '../lib/outcome'
import { useNotifyStore } from './notify'

export type AuditQuery = Omit<OpInput<'audit.search'>, 'cursor'>

export const useAuditLogStore = defineStore('auditLog', () => {
  const entries = ref<AuditEntrySummary[]>([])
  const next = ref<AuditCursor | null>(null)
  const scope = ref<AuditPage['scope'] | null>(null)
  const query = ref<AuditQuery | null>(null)
  const loading = ref(false)
  const opened = ref<AuditEntryDetail | null>(null)

  async function fetchPage(q: AuditQuery, cursor: AuditCursor | null): Promise<Outcome<AuditPage>> {
    loading.value = true
    try {
      return await useNotifyStore().attempt(() => call('audit.search', { ...q, ...(cursor ? { cursor } : {}) }))
    } finally {
      loading.value = false
    }
  }

  async function search(q: AuditQuery): Promise<Outcome<AuditPage>> {
    const r = await fetchPage(q, null)
    if (r.ok) {
      query.value = q
      entries.value = r.value.entries
      next.value = r.value.next
      scope.value = r.value.scope
    }
    return r
  }

  async function more(): Promise<void> {
    if (!query.value || !next.value) return
    const r = await fetchPage(query.value, next.value)
    if (r.ok) {
      entries.value = [...entries.value, ...r.value.entries]
      next.value = r.value.next
    }
  }

  async function open(entryId: number): Promise<Outcome<AuditEntryDetail>> {
    const r = await useNotifyStore().attempt(() => call('audit.entry', { entryId }))
    if (r.ok) opened.value = r.value
    return r
  }

  return { entries, next, scope, query, loading, opened, search, more, open }
})
