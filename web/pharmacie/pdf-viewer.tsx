import type { PDFDocumentProxy } from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'preact/hooks';
import './viewers.css';
import { ZoomButtons } from './zoom-buttons.tsx';

/**
 * A PDF shown inline: pdf.js renders its pages onto canvases in the browser (no plugin, no
 * frame). The module and its worker are files of the build (worker-src 'self'); no eval, and
 * the bytes are fetched here and handed over as data.
 */
type PdfJs = typeof import('pdfjs-dist');
let loading: Promise<PdfJs> | null = null;

function pdfjs(): Promise<PdfJs> {
  loading ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(
    ([lib, worker]) => {
      lib.GlobalWorkerOptions.workerSrc = worker.default;
      return lib;
    },
  );
  return loading;
}

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

export function PdfViewer({ src, label }: { src: string; label: string }) {
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [zoom, setZoom] = useState(1);
  const [rotation, setRotation] = useState(0);
  const frame = useRef<HTMLElement>(null);

  useEffect(() => {
    let cancelled = false;
    let opened: PDFDocumentProxy | null = null;
    (async () => {
      try {
        const response = await fetch(src, { credentials: 'same-origin' });
        if (!response.ok) throw new Error(String(response.status));
        const data = new Uint8Array(await response.arrayBuffer());
        const lib = await pdfjs();
        opened = await lib.getDocument({
          data,
          isEvalSupported: false,
          enableXfa: false,
          useSystemFonts: true,
          stopAtErrors: false,
        }).promise;
        if (cancelled) {
          void opened.destroy();
          return;
        }
        setDoc(opened);
      } catch {
        if (!cancelled) setError('Le PDF ne peut pas être affiché ici. Téléchargez-le.');
      }
    })();
    return () => {
      cancelled = true;
      void opened?.destroy();
    };
  }, [src]);

  const step = (direction: 1 | -1) => {
    const at = ZOOMS.indexOf(zoom);
    setZoom(ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, at + direction))] ?? zoom);
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const actions: Record<string, () => void> = {
      '+': () => step(1),
      '=': () => step(1),
      '-': () => step(-1),
      '0': () => setZoom(1),
      r: () => setRotation((r) => (r + 90) % 360),
      R: () => setRotation((r) => (r + 270) % 360),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      event.stopPropagation();
      action();
    }
  };

  return (
    <div class="viewer" data-testid="pdf-viewer">
      <div class="viewer-tools" role="toolbar" aria-label={`Outils du PDF ${label}`}>
        <ZoomButtons percent={Math.round(zoom * 100)} onStep={step} />
        <button
          type="button"
          class="viewer-btn viewer-btn--text"
          onClick={() => setZoom(1)}
          aria-pressed={zoom === 1}
          aria-keyshortcuts="0"
        >
          Ajuster
        </button>
        <button
          type="button"
          class="viewer-btn"
          onClick={() => setRotation((r) => (r + 90) % 360)}
          aria-keyshortcuts="r"
        >
          <span aria-hidden="true">↻</span>
          <span class="fr-sr-only">Pivoter à droite</span>
        </button>
        {doc && (
          <span class="viewer-pages">
            {doc.numPages} page{doc.numPages > 1 ? 's' : ''}
          </span>
        )}
      </div>
      <section
        ref={frame}
        class="viewer-frame viewer-frame--pdf"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the frame scrolls (keyboard panning) and takes the viewer's keys
        tabIndex={0}
        aria-label={`PDF ${label} : + et − pour zoomer, 0 pour ajuster, r pour pivoter`}
        onKeyDown={onKey}
      >
        {error && <p class="viewer-error">{error}</p>}
        {!error && !doc && (
          <p class="viewer-loading" role="status">
            Ouverture du PDF…
          </p>
        )}
        {doc &&
          Array.from({ length: doc.numPages }, (_, index) => (
            <PdfPage
              key={index}
              doc={doc}
              number={index + 1}
              zoom={zoom}
              rotation={rotation}
              frame={frame}
              label={label}
            />
          ))}
      </section>
    </div>
  );
}

function PdfPage({
  doc,
  number,
  zoom,
  rotation,
  frame,
  label,
}: {
  doc: PDFDocumentProxy;
  number: number;
  zoom: number;
  rotation: number;
  frame: { current: HTMLElement | null };
  label: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth - 24);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [frame]);

  useEffect(() => {
    if (width <= 0) return;
    let cancelled = false;
    let task: { cancel(): void; promise: Promise<void> } | null = null;
    (async () => {
      const page = await doc.getPage(number);
      if (cancelled || !canvas.current) return;
      const unit = page.getViewport({ scale: 1, rotation: (page.rotate + rotation) % 360 });
      // "Ajuster" (100 %) = the page's width fits the frame.
      const cssScale = (width / unit.width) * zoom;
      const ratio = window.devicePixelRatio || 1;
      const viewport = page.getViewport({
        scale: cssScale * ratio,
        rotation: (page.rotate + rotation) % 360,
      });
      const el = canvas.current;
      el.width = Math.floor(viewport.width);
      el.height = Math.floor(viewport.height);
      el.style.width = `${Math.floor(viewport.width / ratio)}px`;
      el.style.height = `${Math.floor(viewport.height / ratio)}px`;
      task = page.render({ canvas: el, viewport });
      await task.promise.catch(() => undefined);
    })();
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [doc, number, zoom, rotation, width]);

  return (
    <canvas
      ref={canvas}
      class="viewer-page"
      role="img"
      aria-label={`${label}, page ${number} sur ${doc.numPages}`}
    />
  );
}
