// 0014: the 差戻し一覧 (the branch's returned requests, requests.returnedToMe) and its count are read
// from one index, (state, branch_id, received_at, rowid). Before, both walked every returned
// request of every branch on the state index and read each row from the table to keep the
// branch's: a count that grows with the other branches' returns and is never index-only. With
// this index the page is a keyset range of the branch's own rows in screen order, and the count
// reads the index alone. An index holds no rows of its own: the journal (0013) is unchanged.
export const version = 14
export const name = 'branch_state_index'
export const sql = /* sql */ `
CREATE INDEX otp_requests_state_branch_idx ON otp_requests(state, branch_id, received_at);
`
