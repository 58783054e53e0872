import { useEffect, useState } from 'preact/hooks';

/**
 * The pop-up's sound: a short two-tone beep from a Web Audio oscillator (no audio file). Browsers
 * only let a page play sound after a user gesture, so the audio context is created — "armed" — on
 * the first click or key press; until then the header shows « Activer le son ».
 */
let context: AudioContext | null = null;
const watchers = new Set<(armed: boolean) => void>();

export function audioArmed(): boolean {
  return context !== null && context.state === 'running';
}

function notify() {
  for (const watch of watchers) watch(audioArmed());
}

/** Call from a user gesture. */
export async function armAudio(): Promise<void> {
  try {
    context ??= new AudioContext();
    if (context.state !== 'running') await context.resume();
  } catch {
    // No audio device, or audio refused: the in-page alert and the notification remain.
  }
  notify();
}

export function beep(): void {
  if (context?.state !== 'running') return;
  const start = context.currentTime + 0.01;
  for (const [offset, frequency] of [
    [0, 880],
    [0.18, 660],
    [0.36, 880],
  ] as const) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.15);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.16);
  }
}

/** Whether the sound is armed; arms it on the page's first click or key press. */
export function useAudioArmed(): boolean {
  const [armed, setArmed] = useState(audioArmed);
  useEffect(() => {
    watchers.add(setArmed);
    const onGesture = () => {
      if (!audioArmed()) void armAudio();
    };
    addEventListener('pointerdown', onGesture, true);
    addEventListener('keydown', onGesture, true);
    return () => {
      watchers.delete(setArmed);
      removeEventListener('pointerdown', onGesture, true);
      removeEventListener('keydown', onGesture, true);
    };
  }, []);
  return armed;
}
