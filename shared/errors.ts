// Error codes shared by both sides. The code is English (for logs and tests); the message is
// the Japanese text shown to the user. The renderer rebuilds an AppError from the envelope.

export const ERROR_MESSAGES = {
  UNKNOWN_OPERATION: '不明な操作です。',
  VALIDATION_FAILED: '入力内容に誤りがあります。赤字の項目を確認してください。',
  NOT_AUTHENTICATED: 'ログインしてください。',
  FORBIDDEN_ROLE: 'この操作を行う権限がありません。',
  FOREIGN_SENDER: 'この画面からの操作は受け付けられません。アプリを起動し直してください。',
  LOGIN_FAILED: '職員IDまたはパスワードが違います。',
  ACCOUNT_LOCKED: 'この職員アカウントはロックされています。管理者に解除を依頼してください。',
  ACCOUNT_INACTIVE: 'この職員アカウントは利用できません。',
  SETUP_ALREADY_DONE: '初期設定は完了しています。',
  LOGIN_ID_TAKEN: 'この職員IDは既に使われています（大文字・小文字、全角・半角の違いは同じIDとみなします）。',
  PASSWORD_CHANGE_REQUIRED: '管理者が設定したパスワードは一度だけ使えるものです。新しいパスワードに変更してから操作してください。',
  CURRENT_PASSWORD_WRONG: '現在のパスワードが違います。',
  CONFIRMATION_REQUIRED: 'この変更には、別の管理者または役席の確認（その方の職員IDとパスワード）が必要です。',
  CONFIRMER_NOT_ALLOWED: '確認者は、操作している管理者本人と対象の職員以外の、管理者または役席でなければなりません。',
  SELF_STAFF_CHANGE: '自分自身の役割の変更・退職の登録・パスワード再設定はできません。別の管理者に依頼してください。',
  STAFF_RETIRED: '退職済みの職員です。変更できません。',
  NOT_FOUND: '対象が見つかりません。',
  CUSTOMER_NOT_FOUND: 'お客さまが見つかりません。',
  REQUEST_NOT_FOUND: '依頼が見つかりません。',
  STAFF_NOT_FOUND: '職員が見つかりません。',
  AUDIT_ENTRY_NOT_FOUND: '監査ログの明細が見つかりません。',
  REQUEST_NOT_ALLOWED: 'この登録状況では受け付けられない依頼です。',
  NEXT_DAY_RULE: 'ご利用解除の当日は新規申込を受け付けられません。',
  REQUEST_ALREADY_PENDING: 'このお客さまには検印待ちの依頼があります。',
  SELF_APPROVAL: '自分が受け付けた依頼は検印できません。',
  SUPERVISOR_AUTH_REQUIRED: '閉塞解除の承認には役席認証（役席の職員IDとパスワード）が必要です。',
  NOT_A_SUPERVISOR: '入力された職員IDは役席ではないため、承認・差戻しできません。役席の方が自分の職員IDとパスワードを入力してください。',
  FRAUD_SUSPECTED: '不正利用の疑いがあるため閉塞解除はできません。利用停止の手続きをしてください。',
  REPEAT_UNLOCK_NOT_ACKNOWLEDGED: '短期間に繰り返された閉塞解除です。確認のうえ承認してください。',
  NOT_AN_UNLOCK: '閉塞解除以外の依頼は通常の検印で処理してください。',
  RESUBMIT_MISMATCH: '差し戻された依頼と種別またはお客さまが異なります。',
  NOT_RECEIVER: 'この依頼を受け付けた職員（または引き継いだ職員）だけが再提出・取消できます。先に「引き継ぐ」を押してください。',
  ALREADY_HANDLER: 'この依頼はすでにあなたの担当です。',
  STALE_VERSION: '他の職員が先に処理しました。画面を更新して確認してください。',
  REQUEST_NOT_PENDING: 'この依頼は検印待ちではありません。',
  ACCOUNT_MISMATCH: '申込書の代表口座がお客さまの口座と一致しません。',
  FORM_NOT_AVAILABLE: 'この依頼の状態ではこの帳票は印刷できません。',
  OTHER_BRANCH_REQUEST: '他店の依頼は取り扱えません。',
  HEAD_OFFICE_READ_ONLY: '本部の職員は照会のみ行えます。台帳を変更する操作はできません。',
  SUBMISSION_KEY_REUSED: 'この受付は別の内容ですでに登録されています。画面を開き直してから受け付けてください。',
  JOURNAL_DATE_IN_FUTURE: '日次取扱一覧は本日以前の日付を指定してください。',
  DATABASE_TOO_NEW: 'データベースがこのアプリより新しい版で作成されています。アプリを更新してください。',
  // The PostgreSQL ledger (db/pg/migrate.ts): its backup is the DBA's pg_dump, taken before an upgrade.
  LEDGER_BACKUP_REQUIRED: 'データベースを更新する前にバックアップ（pg_dump）を取ってください。取った後で、バックアップ済みと指定して更新を実行してください。',
  // The PostgreSQL ledger (db/pg/ledger.ts): the server cannot be reached. Said only when the
  // transaction certainly did not commit (refused before COMMIT, or the server answered that it aborted).
  LEDGER_UNREACHABLE:
    '台帳サーバーに接続できません。この操作の処理は行われていません（何も記録されていません）。ネットワークとサーバーの状態を確認し、しばらくしてからもう一度操作してください。',
  // The connection broke during COMMIT and the server could not be asked afterwards: the step may or may not be recorded.
  LEDGER_COMMIT_UNKNOWN:
    '台帳サーバーとの接続が確定の途中で切れたため、この操作が記録されたかどうか確認できません。接続が戻ったら画面を更新して結果を確かめ、記録されていない場合だけもう一度操作してください。',
  DEMO_ON_REAL_LEDGER: 'このデータベースは本番用です。デモデータは読み込めません。',
  SERVER_LEDGER_UNSUPPORTED: 'この操作は、共有台帳（PostgreSQL）に接続した端末ではまだ行えません。システム管理者に連絡してください。',
  PAYLOAD_TOO_LARGE: '送信内容が大きすぎるため受け付けられません。入力内容を確認してください。',
  RATE_LIMITED: 'ログインの試行が続いたため、しばらく受け付けを止めています。少し待ってからもう一度お試しください。',
  RECEIPT_SEQUENCE_EXHAUSTED: '本日の受付番号が上限に達したため、これ以上受け付けられません。システム管理者に連絡してください。',
  DISK_FULL:
    'ディスクの空き容量が足りないため保存できませんでした。この操作は記録されていません。システム管理者に空き容量の確保を依頼し、そのあとでもう一度操作してください。',
  STORAGE_ERROR: 'ディスクの読み書きに失敗したため処理できませんでした。この操作は記録されていません。システム管理者に連絡してください。',
  LEDGER_DAMAGED:
    '台帳（データベース）の破損が見つかったため処理できませんでした。この操作は記録されていません。作業を止めてシステム管理者に連絡してください（バックアップからの復元が必要です）。',
  LEDGER_MISSING: '台帳ファイルが見つかりません。バックアップから復元してください。',
  LEDGER_OPEN_FAILED: '台帳を開けませんでした。システム管理者に連絡してください。',
  BACKUP_RUNNING: 'バックアップを実行中です。終わるまでお待ちください。',
  VERIFY_RUNNING: '台帳の検証を実行中です。終わるまでお待ちください（結果はこの画面に表示されます）。',
  BACKUP_FAILED: 'バックアップを作成できませんでした。システム管理者に連絡してください。',
  BACKUP_NOT_FOUND: '指定したバックアップが見つかりません。一覧を更新して選び直してください。',
  BACKUP_UNUSABLE: 'このバックアップは検証に合格しなかったため復元に使えません。別のバックアップを選んでください。台帳は変更していません。',
  RESTORE_BUSY: '実行中の処理（バックアップ・取込・他の画面の操作）があるため復元できません。終わってからもう一度実行してください。台帳は変更していません。',
  RESTORE_FAILED: '復元できませんでした。台帳は元のまま使えます。システム管理者に連絡してください。',
  CUSTOMER_CLOSED: 'このお客さまは解約済みのため、新しい依頼は受け付けられません。',
  IMPORT_FILE_REFUSED: 'ファイルを取り込めません。',
  IMPORT_NOT_FOUND: '取込ファイルが見つかりません。もう一度ファイルを選択してください。',
  IMPORT_DRY_RUN_REQUIRED: '先に確認（ドライラン）を実行し、結果を確認してから反映してください。',
  IMPORT_BUSY: '他の取込を実行中です。終わってから実行してください。',
  FILE_DIALOG_UNAVAILABLE: 'この画面ではファイルを選択して送信してください。',
  INTERNAL: '処理中にエラーが発生しました。システム管理者に連絡してください。',
} as const

export type ErrorCode = keyof typeof ERROR_MESSAGES

/** The ledger could not be reached (or the fate of its commit is unknown): not a refusal of the
 * request, so it is not audited as one (the audit row could not reach the ledger either). */
export const LEDGER_LOST: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['LEDGER_UNREACHABLE', 'LEDGER_COMMIT_UNKNOWN'])

export interface ErrorPayload {
  code: ErrorCode
  message: string
  /** Field path -> Japanese message, for validation errors. */
  fields?: Record<string, string>
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly fields?: Record<string, string>
  constructor(code: ErrorCode, message?: string, fields?: Record<string, string>) {
    super(message ?? ERROR_MESSAGES[code])
    this.name = 'AppError'
    this.code = code
    this.fields = fields
  }
  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) }
  }
  static fromPayload(p: ErrorPayload): AppError {
    const code: ErrorCode = p.code in ERROR_MESSAGES ? p.code : 'INTERNAL'
    return new AppError(code, p.message || ERROR_MESSAGES[code], p.fields)
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload }
