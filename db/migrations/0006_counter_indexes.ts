// 0006: indexes for what the counter and the supervisors open, at a million customers. Before
// this version several screens read whole tables that grow with the customers (tests/bench showed
// seconds at 1M): every request list counted its resubmissions by scanning otp_history per row
// (no index on request_id), a search by 店番 + 口座番号 walked the branch's whole part of the
// unique index (its middle column is the account type, which the search does not give), the
// 日次取扱一覧 read every request of the ledger to find one day's, and its fraud-refusal lookup
// scanned a day's audit rows of every kind. tests/integration/query-plans.test.ts holds every
// statement the services issue to the rule that none of them scans such a table.
export const version = 6
export const name = 'counter_indexes'
export const sql = /* sql */ `
CREATE INDEX otp_history_request_idx ON otp_history(request_id, at);
CREATE INDEX customers_account_number_idx ON customers(account_branch_code, account_number);
CREATE INDEX otp_requests_journal_idx ON otp_requests(branch_id, business_date, received_at);
CREATE INDEX audit_log_outcome_idx ON audit_log(outcome, at);
`
