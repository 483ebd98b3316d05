// The dashboard: sign in with an API key once per tab, then the registry's pages by hash route.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { can, forgetKey, ProblemError, type Session, signIn, storedKey } from './api';
import { ErrorBox } from './components/common';
import { EnsemblePage } from './pages/ensemble';
import { EnsemblesPage } from './pages/ensembles';
import { EvaluationPage } from './pages/evaluation';
import { ModelPage } from './pages/model';
import { ModelsPage } from './pages/models';
import { NodesPage } from './pages/nodes';
import { RunPage } from './pages/run';
import { RunsPage } from './pages/runs';
import { VersionPage } from './pages/version';
import { href, type Location, useLocation } from './router';
import { SessionContext } from './session';
import './styles.css';

function SignIn({ onSignedIn, initialError }: { onSignedIn: (session: Session) => void; initialError: unknown }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(initialError);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      onSignedIn(await signIn(key.trim()));
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <main class="sign-in">
      <h1>Distillery</h1>
      <form onSubmit={submit}>
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autocomplete="off" value={key} onInput={(event) => setKey(event.currentTarget.value)} placeholder="dk_…" />
        <button type="submit" disabled={key.trim() === ''}>
          Sign in
        </button>
        <p class="muted">Kept in this tab's session storage only. A key with only the read scope sees no write buttons.</p>
        <ErrorBox error={error} />
      </form>
    </main>
  );
}

function page({ segments, query }: Location) {
  const [section, name, sub, version] = segments;
  switch (section) {
    case 'models':
      if (name && sub === 'versions' && version) return <VersionPage model={name} version={Number(version)} query={query} />;
      return name ? <ModelPage name={name} /> : <ModelsPage query={query} />;
    case 'runs':
      return name ? <RunPage id={name} /> : <RunsPage query={query} />;
    case 'ensembles':
      return name ? <EnsemblePage name={name} /> : <EnsemblesPage />;
    case 'evaluations':
      return name ? <EvaluationPage id={name} /> : <EnsemblesPage />;
    case 'nodes':
      return <NodesPage />;
    default:
      return <ModelsPage query={query} />;
  }
}

const SECTIONS = [
  ['models', 'Models'],
  ['runs', 'Runs'],
  ['ensembles', 'Ensembles'],
  ['nodes', 'Nodes'],
] as const;

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(storedKey() !== null);
  const [restoreError, setRestoreError] = useState<unknown>(undefined);
  const where = useLocation();
  useEffect(() => {
    const key = storedKey();
    if (key === null) return;
    signIn(key)
      .then(setSession, (error: unknown) => {
        // Only a key the server refuses is dropped; a server that is down or restarting keeps it for the next try.
        if (error instanceof ProblemError && error.status === 401) forgetKey();
        setRestoreError(error);
      })
      .finally(() => setRestoring(false));
  }, []);
  if (restoring) return <p class="muted">Signing in…</p>;
  if (!session) return <SignIn onSignedIn={setSession} initialError={restoreError} />;
  const signOut = () => {
    forgetKey();
    setSession(null);
  };
  const section = where.segments[0] ?? 'models';
  return (
    <SessionContext.Provider value={session}>
      <header>
        <a class="brand" href={href('models')}>
          Distillery
        </a>
        <nav>
          {SECTIONS.map(([path, label]) => (
            <a key={path} href={href(path)} class={section === path ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <span class="identity" data-testid="identity">
          {session.identity.name} · {can(session, 'write') ? session.identity.scopes.join(', ') : 'read-only'}
        </span>
        <button class="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      {/* Keyed by route: a new page starts from nothing rather than from the last page's data. */}
      <main key={where.segments.join('/') || 'models'}>{page(where)}</main>
    </SessionContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
