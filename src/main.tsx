import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startServiceWorker } from './pwa/register.ts';
import { ErrorBoundary } from './ui/ErrorBoundary.tsx';
import 'highlight.js/styles/github.css';
import './app/theme.css';
import './app/styles.css';
import './app/layout.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
if (new URLSearchParams(location.search).has('bench')) {
  // The benchmark drives the engine itself; no panel may compete with it for the CPU.
  void import('./app/benchmarkPage.ts');
} else {
  startServiceWorker();
  // Never a blank page: a failure while the app's modules load (a browser missing something they use
  // at once) is said in the page, and one while drawing shows in the top-level boundary.
  import('./app/App.tsx').then(
    ({ App }) =>
      createRoot(root).render(
        <StrictMode>
          <ErrorBoundary title="Glassbox stopped">
            <App />
          </ErrorBoundary>
        </StrictMode>,
      ),
    (error: unknown) => {
      const message = document.createElement('p');
      message.setAttribute('role', 'alert');
      message.textContent = `Glassbox could not start in this browser (${error instanceof Error ? error.message : String(error)}). Use a current Chrome, Edge or Firefox, and reload.`;
      root.replaceChildren(message);
    },
  );
}
