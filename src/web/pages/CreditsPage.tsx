import { Grid, SimpleGrid, Skeleton, Stack, Title } from '@mantine/core';
import { useBalance } from '../api/credits';
import { AlertSettingsCard } from '../components/AlertSettingsCard';
import { AutoTopUpCard } from '../components/credits/AutoTopUpCard';
import { BalanceCard } from '../components/credits/BalanceCard';
import { ExpiringCredits } from '../components/credits/ExpiringCredits';
import { LedgerCard } from '../components/credits/LedgerCard';
import { LotsCard } from '../components/credits/LotsCard';
import { PartialTiers } from '../components/credits/PartialTiers';
import { PeriodMoney } from '../components/credits/PeriodMoney';
import { PlanCard } from '../components/credits/PlanCard';
import { StatementsCard } from '../components/credits/StatementsCard';
import { NotificationsCard } from '../components/NotificationsCard';
import { ErrorState } from '../components/States';

/** Tenant Management → Plan & credits. */
export default function CreditsPage() {
  const balance = useBalance();
  return (
    <Stack gap="lg">
      <Title order={1}>Plan & credits</Title>
      {balance.isError && !balance.data ? (
        <ErrorState error={balance.error} onRetry={() => void balance.refetch()} />
      ) : !balance.data ? (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Skeleton h={160} />
          <Skeleton h={160} />
        </SimpleGrid>
      ) : (
        <>
          <ExpiringCredits />
          <PlanCard balance={balance.data} />
          <Grid>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <BalanceCard balance={balance.data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <LotsCard balance={balance.data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <PartialTiers plan={balance.data.plan} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <PeriodMoney balance={balance.data} />
            </Grid.Col>
          </Grid>
          <AutoTopUpCard balance={balance.data} />
        </>
      )}
      <AlertSettingsCard />
      <NotificationsCard />
      <StatementsCard />
      <LedgerCard />
    </Stack>
  );
}
