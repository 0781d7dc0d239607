import { eventGroups } from '../util/event-groups.util';

const GROUPS = eventGroups();

/** The catalogue's events, grouped; none ticked means every event (as the API reads an empty list). */
export function EventChecklist({ selected, onChange }: { selected: string[]; onChange: (events: string[]) => void }) {
  const chosen = new Set(selected);
  const toggle = (name: string, on: boolean) => onChange(on ? [...selected, name] : selected.filter((n) => n !== name));
  return (
    <fieldset class="events">
      <legend>Events {selected.length === 0 && <span class="hint">(none ticked: every event)</span>}</legend>
      {GROUPS.map((g) => (
        <fieldset key={g.label} class="event-group">
          <legend>{g.label}</legend>
          {g.events.map((name) => (
            <label key={name} class="check">
              <input type="checkbox" name="events" value={name} checked={chosen.has(name)} onChange={(e) => toggle(name, e.currentTarget.checked)} /> {name}
            </label>
          ))}
        </fieldset>
      ))}
    </fieldset>
  );
}
