import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { sessionKey, useSession } from './api/auth';
import { onUnauthorized } from './api/client';
import { AppLayout } from './components/AppLayout';
import { ErrorState, PageLoader } from './components/States';
import { navigate, useLocation } from './lib/router';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { NoAccessPage, NotFoundPage } from './pages/NoAccessPage';
import { UnsubscribePage } from './pages/UnsubscribePage';

const ConsumptionPage = lazy(() => import('./pages/ConsumptionPage'));
const CreditsPage = lazy(() => import('./pages/CreditsPage'));
const UsersPage = lazy(() => import('./pages/UsersPage'));
const AuditLogPage = lazy(() => import('./pages/AuditLogPage'));
const BudgetsPage = lazy(() => import('./pages/BudgetsPage'));
const SettingsPage = lazy(() => import('./pages/SettingsPage'));

/** The pages only Account Admins may open (the API refuses the others too). */
export const ADMIN_PAGES = {
  '/consumption': { title: 'Consumption', Page: ConsumptionPage },
  '/credits': { title: 'Plan & credits', Page: CreditsPage },
  '/budgets': { title: 'Budgets', Page: BudgetsPage },
  '/users': { title: 'Users', Page: UsersPage },
  '/audit': { title: 'Audit log', Page: AuditLogPage },
  '/settings': { title: 'Settings', Page: SettingsPage },
} as const;

const isAdminPath = (p: string): p is keyof typeof ADMIN_PAGES => p in ADMIN_PAGES;

export function App() {
  const session = useSession();
  const { pathname } = useLocation();
  const client = useQueryClient();

  // When the session ends elsewhere (expired, signed out in another tab), show the login page.
  useEffect(() => onUnauthorized(() => client.setQueryData(sessionKey, null)), [client]);

  useEffect(() => {
    const page = isAdminPath(pathname) ? ADMIN_PAGES[pathname].title : pathname === '/' ? 'Home' : undefined;
    document.title =
      session.data === null ? 'Sign in · Meterline' : page ? `${page} · Meterline` : 'Meterline';
  }, [pathname, session.data]);

  // An email's unsubscribe link works for anyone who has it, signed in or not.
  if (pathname === '/unsubscribe') return <UnsubscribePage />;
  if (session.isPending) return <PageLoader label="Checking your session" />;
  if (session.isError) {
    return (
      <div style={{ maxWidth: 520, margin: '15vh auto', padding: 16 }}>
        <ErrorState
          error={session.error}
          onRetry={() => void session.refetch()}
          title="Meterline is not reachable"
        />
      </div>
    );
  }
  if (!session.data) return <LoginPage />;
  if (pathname === '/login') {
    const next = new URLSearchParams(window.location.search).get('next');
    navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    return null;
  }

  const isAdmin = session.data.user.role === 'account_admin';
  let content: React.ReactNode;
  if (pathname === '/') content = <HomePage session={session.data} />;
  else if (isAdminPath(pathname)) {
    const { Page, title } = ADMIN_PAGES[pathname];
    content = isAdmin ? <Page /> : <NoAccessPage page={title} role={session.data.user.role} />;
  } else content = <NotFoundPage />;

  return (
    <AppLayout session={session.data}>
      <Suspense fallback={<PageLoader />}>{content}</Suspense>
    </AppLayout>
  );
}
