// 0008: the customer master comes from the core banking system's extracts (issue 14).
// - customers.closed_on: the Japan business date on which a full extract no longer listed the
//   customer (解約). The row, its requests and its history stay; new requests are refused.
// - otp_requests by business date, branch and kind: the exports and the 集計 screen read a period
//   of requests, which the existing (state, received_at) index cannot serve.
// - otp_history events by customer, kind and day: the IB centre's status list skips lines already
//   recorded, one indexed look-up per line.
// Numbered 0008: 0006 and 0007 belong to other changes made at the same time; versions are taken
// from each file, not from its position in the list.
export const version = 8
export const name = 'customer_import'
export const sql = /* sql */ `
ALTER TABLE customers ADD COLUMN closed_on TEXT;
CREATE INDEX otp_requests_business_date_idx ON otp_requests(business_date, branch_id, kind);
CREATE INDEX otp_history_event_idx ON otp_history(customer_id, event_kind, occurred_on) WHERE event_kind IS NOT NULL;
`
