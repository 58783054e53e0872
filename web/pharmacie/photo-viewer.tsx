import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import './viewers.css';
import { ZoomButtons } from './zoom-buttons.tsx';

/**
 * A photo of a prescription, to read at the counter: zoom in and out, rotate by quarter turns,
 * fit to the frame; buttons and keys (+ − 0 r R) when the viewer has focus, scrolling to pan.
 * The picture comes from the attachment download (same origin; img-src 'self').
 */
const STEPS = [0.1, 0.15, 0.25, 0.33, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3, 4, 6];

export function PhotoViewer({ src, label }: { src: string; label: string }) {
  const frame = useRef<HTMLElement>(null);
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const [rotation, setRotation] = useState(0);
  const [scale, setScale] = useState<number | 'fit'>('fit');
  const [failed, setFailed] = useState(false);
  const [frameSize, setFrameSize] = useState({ w: 0, h: 0 });

  useLayoutEffect(() => {
    const el = frame.current;
    if (!el) return;
    const measure = () => setFrameSize({ w: el.clientWidth, h: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const quarter = rotation % 180 !== 0;
  const boxNatural = natural ? (quarter ? { w: natural.h, h: natural.w } : natural) : null;
  const fit =
    boxNatural && frameSize.w > 0
      ? Math.min((frameSize.w - 8) / boxNatural.w, (frameSize.h - 8) / boxNatural.h, 4)
      : 1;
  const current = scale === 'fit' ? fit : scale;

  const zoom = (direction: 1 | -1) => {
    const from = current;
    const next =
      direction > 0
        ? STEPS.find((s) => s > from + 0.001)
        : [...STEPS].reverse().find((s) => s < from - 0.001);
    setScale(next ?? from);
  };
  const rotate = (quarterTurns: 1 | -1) => setRotation((r) => (r + 90 * quarterTurns + 360) % 360);

  useEffect(() => {
    // Keep the centre in view after a zoom or a rotation.
    const el = frame.current;
    if (!el) return;
    el.scrollLeft = (el.scrollWidth - el.clientWidth) / 2;
    el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
  }, [current, rotation]);

  const onKey = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const actions: Record<string, () => void> = {
      '+': () => zoom(1),
      '=': () => zoom(1),
      '-': () => zoom(-1),
      '0': () => setScale('fit'),
      r: () => rotate(1),
      R: () => rotate(-1),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      event.stopPropagation();
      action();
    }
  };

  const w = natural ? natural.w * current : 0;
  const h = natural ? natural.h * current : 0;
  const boxW = quarter ? h : w;
  const boxH = quarter ? w : h;

  return (
    <div class="viewer" data-testid="photo-viewer">
      <div class="viewer-tools" role="toolbar" aria-label={`Outils de la photo ${label}`}>
        <ZoomButtons percent={Math.round(current * 100)} onStep={zoom} />
        <button
          type="button"
          class="viewer-btn viewer-btn--text"
          onClick={() => setScale('fit')}
          aria-pressed={scale === 'fit'}
          aria-keyshortcuts="0"
        >
          Ajuster
        </button>
        <button type="button" class="viewer-btn viewer-btn--text" onClick={() => setScale(1)}>
          100 %
        </button>
        <button type="button" class="viewer-btn" onClick={() => rotate(-1)} aria-keyshortcuts="Shift+R">
          <span aria-hidden="true">↺</span>
          <span class="fr-sr-only">Pivoter à gauche</span>
        </button>
        <button type="button" class="viewer-btn" onClick={() => rotate(1)} aria-keyshortcuts="r">
          <span aria-hidden="true">↻</span>
          <span class="fr-sr-only">Pivoter à droite</span>
        </button>
      </div>
      <section
        ref={frame}
        class="viewer-frame"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the frame scrolls (keyboard panning) and takes the viewer's keys
        tabIndex={0}
        aria-label={`Photo ${label} : + et − pour zoomer, 0 pour ajuster, r pour pivoter, flèches pour se déplacer`}
        onKeyDown={onKey}
      >
        {failed ? (
          <p class="viewer-error">La photo ne peut pas être affichée. Téléchargez-la.</p>
        ) : (
          <div
            class="viewer-box"
            style={
              natural ? { width: `${Math.max(boxW, 1)}px`, height: `${Math.max(boxH, 1)}px` } : undefined
            }
          >
            <img
              src={src}
              alt={`Envoyée par le patient : ${label}`}
              class="viewer-img"
              draggable={false}
              onLoad={(event) => {
                const img = event.currentTarget as HTMLImageElement;
                setNatural({ w: img.naturalWidth, h: img.naturalHeight });
              }}
              onError={() => setFailed(true)}
              style={
                natural
                  ? {
                      width: `${w}px`,
                      height: `${h}px`,
                      left: `${(boxW - w) / 2}px`,
                      top: `${(boxH - h) / 2}px`,
                      transform: `rotate(${rotation}deg)`,
                    }
                  : undefined
              }
            />
          </div>
        )}
      </section>
    </div>
  );
}
