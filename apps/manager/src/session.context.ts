import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from './api/api-client';
import type { Session } from './api/session.store';

/** The logged-in session, its API client and the way out, for every page. */
export interface SessionContextValue {
  session: Session;
  api: ApiClient;
  logout: () => void;
  /** After the instance token was rotated while logged in with it. */
  replaceKey: (key: string) => void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a logged-in page');
  return value;
}
