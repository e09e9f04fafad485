// The second person's credentials as a payload: sent only when the change needs them and something
// was typed (an empty pair is left out, and the main side says whether one was needed: during the
// first set-up the first administrator acts alone).
export interface ConfirmationDraft {
  loginId: string
  password: string
}

export const emptyConfirmation = (): ConfirmationDraft => ({ loginId: '', password: '' })

export function confirmationPayload(needed: boolean, c: ConfirmationDraft): ConfirmationDraft | undefined {
  return needed && (c.loginId || c.password) ? { ...c } : undefined
}
