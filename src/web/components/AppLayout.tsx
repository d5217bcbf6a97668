import {
  AppShell,
  Avatar,
  Burger,
  Button,
  Group,
  Menu,
  NavLink,
  Stack,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useLogout } from '../api/auth';
import type { Session } from '../api/types';
import { formatRole } from '../lib/format';
import { linkClick, navigate, useLocation } from '../lib/router';
import { BudgetAlertBanner } from './BudgetAlertBanner';
import { CreditAlertBanner } from './CreditAlertBanner';
import {
  ChartIcon,
  CoinsIcon,
  GaugeIcon,
  HistoryIcon,
  HomeIcon,
  LockIcon,
  LogoutIcon,
  UsersIcon,
} from './icons';

const TENANT_MANAGEMENT = [
  { to: '/consumption', label: 'Consumption', icon: <ChartIcon /> },
  { to: '/credits', label: 'Plan & credits', icon: <CoinsIcon /> },
  { to: '/budgets', label: 'Budgets', icon: <GaugeIcon /> },
  { to: '/users', label: 'Users', icon: <UsersIcon /> },
  { to: '/audit', label: 'Audit log', icon: <HistoryIcon /> },
  { to: '/settings', label: 'Settings', icon: <LockIcon /> },
];

/** The shell: header with the tenant and the user menu, sidebar with the console's items. */
export function AppLayout({ session, children }: { session: Session; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const logout = useLogout();
  const isAdmin = session.user.role === 'account_admin';

  const signOut = () =>
    logout.mutate(undefined, {
      onSettled: () => navigate('/', { replace: true }),
    });

  const item = (to: string, label: string, icon: ReactNode) => (
    <NavLink
      key={to}
      href={to}
      label={label}
      leftSection={icon}
      active={pathname === to}
      aria-current={pathname === to ? 'page' : undefined}
      onClick={(e) => {
        linkClick(to)(e);
        close();
      }}
    />
  );

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <UnstyledButton component="a" href="/" onClick={linkClick('/')} aria-label="Meterline home">
              <Group gap={8} wrap="nowrap">
                <ChartIcon size={22} color="var(--mantine-color-indigo-6)" />
                <Text fw={700} size="lg">
                  Meterline
                </Text>
              </Group>
            </UnstyledButton>
            <Text c="dimmed" size="sm" visibleFrom="xs" truncate>
              {session.tenant.name}
            </Text>
          </Group>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              {/* Named by what it shows (the user and role), so the spoken name matches the visible
                  one; on a phone, where only the initial shows, by the same words kept off screen. */}
              <UnstyledButton>
                <Group gap="xs" wrap="nowrap">
                  <Avatar size="sm" color="indigo" radius="xl" aria-hidden>
                    {session.user.name.slice(0, 1).toUpperCase()}
                  </Avatar>
                  <VisuallyHidden hiddenFrom="sm">
                    {session.user.name}, {formatRole(session.user.role)}
                  </VisuallyHidden>
                  <Stack gap={0} visibleFrom="sm">
                    <Text size="sm" fw={500} lh={1.2}>
                      {session.user.name}
                    </Text>
                    <Text size="xs" c="dimmed" lh={1.2}>
                      {formatRole(session.user.role)}
                    </Text>
                  </Stack>
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              {/* The tenant, which the header hides on a phone, and the time zone every date is in. */}
              <Menu.Label data-testid="menu-tenant">
                {session.tenant.name} · times in {session.tenant.timeZone}
              </Menu.Label>
              <Menu.Label>{session.user.email}</Menu.Label>
              <Menu.Item leftSection={<LogoutIcon size={16} />} onClick={signOut}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <AppShell.Section grow>
          {item('/', 'Home', <HomeIcon />)}
          {isAdmin && (
            <nav aria-labelledby="nav-tenant-management">
              <Text
                id="nav-tenant-management"
                size="xs"
                fw={700}
                c="dimmed"
                tt="uppercase"
                px="sm"
                mt="md"
                mb={4}
              >
                Tenant Management
              </Text>
              {TENANT_MANAGEMENT.map((i) => item(i.to, i.label, i.icon))}
            </nav>
          )}
        </AppShell.Section>
        <AppShell.Section>
          <Button
            variant="subtle"
            color="gray"
            fullWidth
            justify="flex-start"
            leftSection={<LogoutIcon size={16} />}
            onClick={signOut}
            loading={logout.isPending}
          >
            Sign out
          </Button>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        {isAdmin && <CreditAlertBanner />}
        {isAdmin && <BudgetAlertBanner />}
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
