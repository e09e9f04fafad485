// 0003: 閉塞解除. Whether the approving supervisor acknowledged a repeated unlock of the same
// customer (the daily journal lists them), kept on the request.
export const version = 3
export const name = 'unlock'
export const sql = /* sql */ `
ALTER TABLE otp_requests ADD COLUMN repeat_unlock_acknowledged INTEGER;
`
