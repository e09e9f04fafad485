// The step between typing a paper form and sending it: check every field; if something is wrong,
// say how many in the one notification place and put the cursor in the first one; otherwise open
// the confirmation dialog. Used by the request form and by the 差戻し correction screen.
import { nextTick, ref } from 'vue'
import { useNotifyStore } from '../stores/notify'
import type { RequestFormState } from './useRequestForm'

export function useConfirmStep(form: RequestFormState) {
  const notify = useNotifyStore()
  /** The element around the fields (template ref). */
  const fieldsBox = ref<HTMLElement | null>(null)
  const confirming = ref(false)

  async function focusFirstError(): Promise<void> {
    await nextTick()
    const el = fieldsBox.value?.querySelector<HTMLElement>('.v-input--error input, .v-input--error textarea')
    el?.focus()
    el?.scrollIntoView({ block: 'center' })
  }

  function review(): void {
    if (form.fraudSuspected.value) return
    if (!form.validation.validateAll()) {
      notify.show('error', `入力内容に誤りがあります（${form.validation.errorCount.value}件）。赤字の項目を確認してください。`)
      void focusFirstError()
      return
    }
    confirming.value = true
  }

  return { fieldsBox, confirming, focusFirstError, review }
}
