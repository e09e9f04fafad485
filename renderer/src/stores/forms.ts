// Print forms: the お客さま控, 処理完了のお知らせ and 取扱記録票 of a request, and the branch's
// 日次取扱一覧 (supervisors). The renderer only names the form and the request (or the date); the
// main process builds the PDF. A preview is built but not recorded; 印刷 and PDFを保存 are both
// prints: archived with their SHA-256, recorded and audited, a reprint says 再発行. One preview
// dialog serves the whole app (FormPreviewDialog in App.vue), opened through `openPreview`.
import { defineStore } from 'pinia'
import { reactive, ref, shallowRef } from 'vue'
import { call } from '../api/client'
import { FORM_LABELS, REQUEST_FORM_NAMES, type FormName, type RequestFormName } from '../../../shared/schemas'
import type { FormDocument, PrintedForm } from '../../../shared/types'
import type { Outcome } from '../lib/outcome'
import { useNotifyStore } from './notify'
import { useBranchesStore } from './branches'

/** What a preview or print is of. */
export type FormTarget = { kind: 'request'; form: RequestFormName; requestId: number } | { kind: 'journal'; businessDate: string }

export type PrintCounts = Record<RequestFormName, number>

export const targetKey = (t: FormTarget): string => (t.kind === 'request' ? `${t.form}:${t.requestId}` : `journal:${t.businessDate}`)
export const formOf = (t: FormTarget): FormName => (t.kind === 'request' ? t.form : 'daily_journal')

/** 「お客さま控（再発行 2回目）」: the form and, for a reprint, its number. */
export function printedLabel(p: PrintedForm): string {
  return p.reprint ? `${FORM_LABELS[p.form]}（再発行 ${p.printCount}回目）` : FORM_LABELS[p.form]
}

function previewCall(t: FormTarget): Promise<FormDocument> {
  return t.kind === 'request'
    ? call('forms.preview', { form: t.form, requestId: t.requestId })
    : call('forms.previewDailyJournal', { businessDate: t.businessDate, ...useBranchesStore().param })
}

function printCall(t: FormTarget): Promise<PrintedForm> {
  return t.kind === 'request'
    ? call('forms.print', { form: t.form, requestId: t.requestId })
    : call('forms.printDailyJournal', { businessDate: t.businessDate, ...useBranchesStore().param })
}

export const useFormsStore = defineStore('forms', () => {
  /** The preview on screen (one at a time): what it is of and the document the main side built.
   * Shallow: the PDF string is large and never changes in place. */
  const preview = shallowRef<{ target: FormTarget; document: FormDocument } | null>(null)
  /** The target whose preview is being built (its button shows the spinner). */
  const opening = ref<string | null>(null)
  /** Prints under way, by target: a second click never prints twice. */
  const printing = reactive(new Set<string>())
  /** How often each request's forms were printed, as last heard from the main side. Counts only
   * grow, so a newer figure from anywhere wins over an older one. */
  const counts = reactive(new Map<number, PrintCounts>())

  function noteCounts(requestId: number, next: Partial<PrintCounts>): void {
    const was = counts.get(requestId)
    const merged = {} as PrintCounts
    for (const f of REQUEST_FORM_NAMES) merged[f] = Math.max(was?.[f] ?? 0, next[f] ?? 0)
    counts.set(requestId, merged)
  }

  /** Reads a request's print counts (for a list that shows summaries only). */
  async function loadCounts(requestId: number): Promise<void> {
    const r = await useNotifyStore().attempt(() => call('requests.get', { requestId }))
    if (r.ok) noteCounts(requestId, r.value.printCounts)
  }

  /** Builds the form for the preview and opens the dialog. A refusal (a form the request's state
   * does not allow, a journal date in the future ...) is shown and handed back, and no dialog opens. */
  async function openPreview(target: FormTarget): Promise<Outcome<FormDocument>> {
    const key = targetKey(target)
    opening.value = key
    try {
      const r = await useNotifyStore().attempt(() => previewCall(target))
      if (r.ok) {
        if (target.kind === 'request') noteCounts(target.requestId, { [target.form]: r.value.printCount })
        preview.value = { target, document: r.value }
      }
      return r
    } finally {
      if (opening.value === key) opening.value = null
    }
  }

  function closePreview(): void {
    preview.value = null
  }

  /** 印刷 or PDFを保存: the main side builds, archives and records the form and returns the PDF
   * it recorded, which is what the caller then prints or saves. */
  async function print(target: FormTarget): Promise<Outcome<PrintedForm> | null> {
    const key = targetKey(target)
    if (printing.has(key)) return null
    printing.add(key)
    try {
      const r = await useNotifyStore().attempt(() => printCall(target))
      if (r.ok && target.kind === 'request') noteCounts(target.requestId, { [target.form]: r.value.printCount + 1 })
      return r
    } finally {
      printing.delete(key)
    }
  }

  function reset(): void {
    preview.value = null
    opening.value = null
    counts.clear()
  }

  return { preview, opening, printing, counts, noteCounts, loadCounts, openPreview, closePreview, print, reset }
})
