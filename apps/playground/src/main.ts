// Entry point: builds the playground and exposes a read-only probe for the browser suite.
import './style.css';
import { type PlaygroundProbe, startPlayground } from './playground.js';

declare global {
  interface Window {
    /** Read-only view of the page's state, used by the browser test suite. */
    __playground?: PlaygroundProbe;
  }
}

const root = document.querySelector<HTMLElement>('#app');
if (root === null) throw new Error('index.html has no #app element');
window.__playground = startPlayground(root);
