import { render } from 'preact';
import { App } from './app';
import './styles/app.css';

const root = document.getElementById('app')!;
// The static "Loading…" line is replaced, not hydrated.
root.textContent = '';
render(<App />, root);
