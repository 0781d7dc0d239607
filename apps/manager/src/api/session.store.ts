/**
 * The key lives in this tab's sessionStorage only: never in a URL, never in a cookie, gone when
 * the tab closes. `scope` says whether it is the global key or one instance's token.
 */
export interface Session {
  key: string;
  /** null: the global key; otherwise the one instance this token opens. */
  instance: string | null;
}

const STORAGE_KEY = 'wa-manager.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as Session) : null;
    return parsed && typeof parsed.key === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
