// Screens and who may see them. Hash history: the same URLs work under file:// in Electron and over
// http in the browser preview. The guard asks the main side for the session once, then keeps the
// user on the screens their role allows (the main side refuses the operations anyway).
import { createRouter, createWebHashHistory, type RouteLocationRaw } from 'vue-router'
import type { StaffRole } from '../../../shared/schemas'
import type { SessionUser } from '../../../shared/types'
import { useSessionStore } from '../stores/session'
import CustomerSearchView from '../views/CustomerSearchView.vue'
import LoginView from '../views/LoginView.vue'
import { isFormKind } from '../lib/requestKinds'

// The login and the search are in the first bundle: every teller opens them first. Every other
// screen is its own chunk, loaded when first opened (the staff administration, the journal and the
// supervisor's screens are never loaded at a teller's counter at all); after a login the counter's
// next screens are fetched in the background (see preloadCounterScreens).
const CustomerDetailView = () => import('../views/CustomerDetailView.vue')
const RequestFormView = () => import('../views/RequestFormView.vue')
const ReturnedListView = () => import('../views/ReturnedListView.vue')
const RequestCorrectionView = () => import('../views/RequestCorrectionView.vue')
const ReviewQueueView = () => import('../views/ReviewQueueView.vue')
const ReviewRequestView = () => import('../views/ReviewRequestView.vue')
const DailyJournalView = () => import('../views/DailyJournalView.vue')
const StaffAdminView = () => import('../views/StaffAdminView.vue')
const SetupView = () => import('../views/SetupView.vue')
const ChangePasswordView = () => import('../views/ChangePasswordView.vue')

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (login, first-administrator setup). */
    public?: boolean
    /** Roles that may open the screen; absent = any logged-in user. */
    roles?: readonly StaffRole[]
    title?: string
  }
}

const COUNTER: readonly StaffRole[] = ['teller', 'supervisor']
/** The read-only screens the head office (本部) shares with supervisors. */
const REVIEWERS: readonly StaffRole[] = ['supervisor', 'head_office']

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'home', redirect: () => ({ name: 'login' }) },
    { path: '/setup', name: 'setup', component: SetupView, meta: { public: true, title: '初期設定' } },
    { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: 'ログイン' } },
    // パスワード変更: one's own, and the only screen while the password is one-time.
    { path: '/password', name: 'change-password', component: ChangePasswordView, meta: { title: 'パスワード変更' } },
    { path: '/customers', name: 'customer-search', component: CustomerSearchView, meta: { roles: COUNTER, title: 'お客さま検索' } },
    {
      path: '/customers/:customerId(\\d+)',
      name: 'customer-detail',
      component: CustomerDetailView,
      props: (r) => ({ customerId: Number(r.params.customerId) }),
      meta: { roles: COUNTER, title: 'お客さま詳細' },
    },
    {
      // 受付 of a paper request; :kind is one of the kinds with a form (lib/requestKinds.ts).
      path: '/customers/:customerId(\\d+)/requests/:kind',
      name: 'request-form',
      component: RequestFormView,
      props: (r) => ({ customerId: Number(r.params.customerId), kind: r.params.kind }),
      meta: { roles: COUNTER, title: '依頼の受付' },
      beforeEnter: (to) =>
        isFormKind(to.params.kind) ? true : { name: 'customer-detail', params: { customerId: to.params.customerId } },
    },
    {
      // The first version's address of the 新規申込 form.
      path: '/customers/:customerId(\\d+)/new-application',
      name: 'new-application',
      redirect: (to) => ({ name: 'request-form', params: { customerId: to.params.customerId, kind: 'new_application' } }),
    },
    { path: '/today', name: 'my-day', component: () => import('../views/MyDayView.vue'), meta: { roles: COUNTER, title: '本日の自分の受付' } },
    { path: '/returned', name: 'returned-list', component: ReturnedListView, meta: { roles: COUNTER, title: '差戻し一覧' } },
    {
      path: '/my-requests/:requestId(\\d+)',
      name: 'my-request',
      component: RequestCorrectionView,
      props: (r) => ({ requestId: Number(r.params.requestId) }),
      meta: { roles: COUNTER, title: '依頼の修正・取消' },
    },
    { path: '/review', name: 'review-queue', component: ReviewQueueView, meta: { roles: REVIEWERS, title: '検印待ち一覧' } },
    {
      path: '/review/:requestId(\\d+)',
      name: 'review-request',
      component: ReviewRequestView,
      props: (r) => ({ requestId: Number(r.params.requestId) }),
      meta: { roles: REVIEWERS, title: '検印' },
    },
    { path: '/journal', name: 'daily-journal', component: DailyJournalView, meta: { roles: REVIEWERS, title: '日次取扱一覧' } },
    { path: '/staff', name: 'staff-admin', component: StaffAdminView, meta: { roles: ['admin'], title: '職員管理' } },
    { path: '/backups', name: 'backup-admin', component: () => import('../views/BackupAdminView.vue'), meta: { roles: ['admin'], title: 'バックアップ' } },
    {
      path: '/figures',
      name: 'figures',
      component: () => import('../views/FiguresView.vue'),
      meta: { roles: REVIEWERS, title: '集計' },
    },
    {
      path: '/imports',
      name: 'customer-import',
      component: () => import('../views/CustomerImportView.vue'),
      meta: { roles: ['admin'], title: '顧客データ取込' },
    },
    {
      // ?customerId=123: the customer screen's link.
      path: '/audit',
      name: 'audit-log',
      component: () => import('../views/AuditLogView.vue'),
      meta: { roles: ['supervisor', 'admin', 'head_office'], title: '監査ログ照会' },
    },
    { path: '/:pathMatch(.*)*', redirect: { name: 'home' } },
  ],
})

/** The first screen of each role. */
export function homeOf(user: SessionUser): RouteLocationRaw {
  if (user.mustChangePassword) return { name: 'change-password' }
  // Supervisors start at their 検印 queue (the work waiting for them), tellers at the search.
  // The head office (read-only) starts at the queue of the branch it chooses.
  return user.role === 'admin'
    ? { name: 'staff-admin' }
    : user.role === 'supervisor' || user.role === 'head_office'
      ? { name: 'review-queue' }
      : { name: 'customer-search' }
}

router.beforeEach(async (to) => {
  const session = useSessionStore()
  if (!(await session.ensureLoaded())) return to.name === 'login' ? true : { name: 'login' }

  if (session.needsSetup) return to.name === 'setup' ? true : { name: 'setup' }
  const user = session.user
  if (!user) {
    if (to.name === 'login') return true
    return { name: 'login' }
  }
  if (to.name === 'login' || to.name === 'setup' || to.name === 'home') return homeOf(user)
  // A one-time password: nothing but its change until it is changed (the main side refuses the rest).
  if (user.mustChangePassword && to.name !== 'change-password') return { name: 'change-password' }
  const roles = to.meta.roles
  if (roles && !roles.includes(user.role)) return homeOf(user)
  return true
})

/** Fetches the screens a counter user opens next, once the first screen is shown, so that opening
 * a customer never waits for its chunk. */
function preloadCounterScreens(role: StaffRole): void {
  const next = [CustomerDetailView, RequestFormView, ReturnedListView, ...(role === 'supervisor' ? [ReviewQueueView, ReviewRequestView] : [])]
  const run = () => next.forEach((load) => void load().catch(() => undefined))
  if ('requestIdleCallback' in window) window.requestIdleCallback(run)
  else setTimeout(run, 200)
}

let preloaded = false
router.afterEach((to) => {
  const user = useSessionStore().user
  if (!preloaded && user && user.role !== 'admin') {
    preloaded = true
    preloadCounterScreens(user.role)
  }
  document.title = to.meta.title ? `${to.meta.title} - 窓口OTP事務` : '窓口OTP事務'
})
