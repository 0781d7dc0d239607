import type { ConnectionState } from '../api/api.types';

const LABELS: Record<ConnectionState, string> = { open: 'open', connecting: 'connecting', close: 'closed', refused: 'refused' };

/** The connection state, as text (colour only repeats it). */
export function StateBadge({ state }: { state: ConnectionState | string }) {
  return (
    <span class={`badge state-${state}`} data-state={state}>
      {LABELS[state as ConnectionState] ?? state}
    </span>
  );
}
