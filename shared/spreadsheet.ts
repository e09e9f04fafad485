// Cells written to a CSV that a spreadsheet opens. A cell starting with = + - @ (or a tab or CR,
// which some spreadsheets skip before looking) can be run as a formula (CSV injection, OWASP);
// such a cell gets a leading apostrophe, which Excel shows as text and does not evaluate.
const FORMULA_START = /^[=+\-@\t\r]/

export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value
}
