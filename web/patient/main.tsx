import '../shared/dsfr.ts';
import { render } from 'preact';

function App() {
  return (
    <main class="fr-container fr-py-4w">
      <h1>Messagerie avec ma pharmacie</h1>
    </main>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
