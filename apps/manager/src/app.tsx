import { useMemo, useState } from 'preact/hooks';
import { ApiClient } from './api/api-client';
import { Session, clearSession, loadSession, saveSession } from './api/session.store';
import { InstancePage } from './pages/instance.page';
import { InstancesPage } from './pages/instances.page';
import { LoginPage } from './pages/login.page';
import { instanceHref, useRoute } from './router';
import { SessionContext, SessionContextValue } from './session.context';

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const route = useRoute();

  const value = useMemo<SessionContextValue | null>(() => {
    if (!session) return null;
    return {
      session,
      api: new ApiClient(session.key),
      logout: () => (clearSession(), setSession(null)),
      replaceKey: (key) => {
        const next = { ...session, key };
        saveSession(next);
        setSession(next);
      },
    };
  }, [session]);

  if (!value) {
    return (
      <LoginPage
        onLogin={(s) => {
          saveSession(s);
          setSession(s);
          if (s.instance) location.hash = instanceHref(s.instance);
        }}
      />
    );
  }
  // An instance token opens its own instance only; the list shows just that one.
  return (
    <SessionContext.Provider value={value}>
      <header class="topbar">
        <a href="#/" class="brand">
          WhatsApp gateway
        </a>
        <span class="who">{value.session.instance ? `Instance token: ${value.session.instance}` : 'Global API key'}</span>
        <button type="button" onClick={value.logout}>
          Log out
        </button>
      </header>
      {route.page === 'instance' ? <InstancePage key={route.name} name={route.name} tab={route.tab} /> : <InstancesPage />}
    </SessionContext.Provider>
  );
}
