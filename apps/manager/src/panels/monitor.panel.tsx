import { useState } from 'preact/hooks';
import { JsonTree } from '../components/json-tree';
import { SelectFilter } from '../components/select-filter';
import type { LoggedEvent } from '../api/api.types';
import { WIRE_NAMES } from '../util/event-groups.util';

/**
 * Every event of the instance as the stream delivers it (the log starts when the page opens).
 * Pausing freezes what is shown; events keep arriving and appear on resume.
 */
export function MonitorPanel({ events, onClear }: { events: LoggedEvent[]; onClear: () => void }) {
  const [filter, setFilter] = useState('');
  const [pausedAt, setPausedAt] = useState<number | null>(null);

  const visible = events.filter((e) => (pausedAt === null || e.seq <= pausedAt) && (!filter || e.envelope.event === filter));
  const waiting = pausedAt === null ? 0 : events.filter((e) => e.seq > pausedAt).length;

  return (
    <div class="monitor">
      <div class="filters">
        <SelectFilter label="Event" name="monitor-event" value={filter} options={WIRE_NAMES} anyLabel="all events" onChange={setFilter} />
        <button type="button" aria-pressed={pausedAt !== null} onClick={() => setPausedAt(pausedAt === null ? (events[0]?.seq ?? 0) : null)}>
          {pausedAt === null ? 'Pause' : `Resume${waiting ? ` (${waiting} new)` : ''}`}
        </button>
        <button type="button" onClick={onClear}>
          Clear
        </button>
      </div>
      {visible.length === 0 ? (
        <p class="empty">{events.length ? 'No event matches the filter.' : 'Waiting for events… (they appear here as they happen)'}</p>
      ) : (
        <ol class="events-log" aria-live={pausedAt === null ? 'polite' : 'off'}>
          {visible.map((e) => (
            <li key={e.seq} data-event={e.envelope.event}>
              <details>
                <summary>
                  <span class="event-name">{e.envelope.event}</span> <time dateTime={new Date(e.receivedAt).toISOString()}>{new Date(e.receivedAt).toLocaleTimeString()}</time>
                </summary>
                <div class="json">
                  <JsonTree value={e.envelope} openDepth={4} />
                </div>
              </details>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
