// Login IDs are unique regardless of case and width: `TELLER1`, `teller1` and `ｔｅｌｌｅｒ１` are one
// ID. The key stored beside the ID (staff.login_key, unique) is its fold: NFKC, then lower case.
export function loginKeyOf(loginId: string): string {
  return loginId.normalize('NFKC').trim().toLowerCase()
}
