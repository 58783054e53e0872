/** The viewers' zoom out / level / zoom in, keyboard shortcuts `-` and `+` (photo and PDF viewers). */
export function ZoomButtons({ percent, onStep }: { percent: number; onStep(direction: -1 | 1): void }) {
  return (
    <>
      <button type="button" class="viewer-btn" onClick={() => onStep(-1)} aria-keyshortcuts="-">
        <span aria-hidden="true">−</span>
        <span class="fr-sr-only">Dézoomer</span>
      </button>
      <span class="viewer-zoom" aria-live="polite">
        {percent} %
      </span>
      <button type="button" class="viewer-btn" onClick={() => onStep(1)} aria-keyshortcuts="+">
        <span aria-hidden="true">+</span>
        <span class="fr-sr-only">Zoomer</span>
      </button>
    </>
  );
}
