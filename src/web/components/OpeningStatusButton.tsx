import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useWindowEvent } from '@mantine/hooks';
import { useState } from 'react';
import type { OpeningStatus } from '../../shared/contract/index';

/**
 * Mantine's mark for "this Escape is handled here": the drawer the dialog opens from skips an
 * Escape pressed on an element carrying it, so Escape closes the dialog alone.
 */
const OWN_ESCAPE = { 'data-mantine-stop-propagation': 'true' } as const;

/**
 * Closes or reopens an opening. Closing asks first, naming the job title (one click on a
 * button in the drawer's title is easy to make by mistake); reopening acts at once.
 */
export function OpeningStatusButton({
  jobTitle,
  status,
  loading,
  onChange,
}: {
  jobTitle: string;
  status: OpeningStatus;
  loading: boolean;
  onChange: (next: OpeningStatus) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  useWindowEvent('keydown', (e) => {
    if (confirming && e.key === 'Escape') setConfirming(false);
  });
  return (
    <>
      <Button
        size="compact-xs"
        variant="subtle"
        loading={loading}
        onClick={() => (status === 'open' ? setConfirming(true) : onChange('open'))}
      >
        {status === 'open' ? 'Close opening' : 'Reopen'}
      </Button>
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title="Close this opening?"
        centered
        closeOnEscape={false}
        attributes={{ content: OWN_ESCAPE, close: OWN_ESCAPE }}
      >
        <Stack gap="md">
          <Text size="sm">
            <b>{jobTitle}</b> will be marked closed. It keeps its history, interviews already under way are
            still metered, and you can reopen it at any time.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirming(false)} {...OWN_ESCAPE}>
              Cancel
            </Button>
            <Button
              color="red"
              {...OWN_ESCAPE}
              onClick={() => {
                setConfirming(false);
                onChange('closed');
              }}
            >
              Close opening
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
