import { EVENT_NAMES, parseEventName } from '@gw/events';
import type { StoredEventIntegration } from '@gw/persistence';

/** Evolution's integration row as its /<integration>/set and /find answer it. */
export const eventIntegrationView = (row: StoredEventIntegration) => ({
  id: row.id,
  enabled: row.enabled,
  events: row.events,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  instanceId: row.instanceId,
});

/**
 * The events an integration's /set stores, by Evolution's rule: enabled with no events = every
 * event, disabled = none. Canonical names without duplicates (GROUP_UPDATE is stored as
 * GROUPS_UPDATE); the DTO has already refused unknown names.
 */
export function selectedEvents(enabled: boolean, events: string[] = []): string[] {
  if (!enabled) return [];
  return events.length ? [...new Set(events.map((e) => parseEventName(e)!))] : [...EVENT_NAMES];
}
