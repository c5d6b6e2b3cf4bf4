import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { startServiceWorker } from './pwa/register.ts';
import 'highlight.js/styles/github.css';
import './app/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
if (new URLSearchParams(location.search).has('bench')) {
  // The benchmark drives the engine itself; no panel may compete with it for the CPU.
  void import('./app/benchmarkPage.ts');
} else {
  startServiceWorker();
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
