import { useState } from 'preact/hooks';

/**
 * Desktop notifications (Notification API): permission is asked once, from the « Activer les
 * notifications » button, and the choice is remembered in localStorage, so a workstation that
 * declined is not asked again at every start.
 */
const KEY = 'officine-mss.comptoir.notifications';
type Choice = 'on' | 'off';

export type DesktopState = 'unsupported' | 'ask' | 'on' | 'off' | 'blocked';

function supported(): boolean {
  return typeof Notification !== 'undefined';
}

function storedChoice(): Choice | null {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'on' || value === 'off' ? value : null;
  } catch {
    return null;
  }
}

function store(choice: Choice) {
  try {
    localStorage.setItem(KEY, choice);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

export function desktopState(): DesktopState {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  const choice = storedChoice();
  if (Notification.permission === 'granted') return choice === 'off' ? 'off' : 'on';
  return choice === 'off' ? 'off' : 'ask';
}

export function useDesktopNotifications() {
  const [state, setState] = useState<DesktopState>(desktopState);
  return {
    state,
    /** From a user gesture: asks the browser (once), remembers the answer. */
    async enable() {
      if (!supported()) return;
      const permission =
        Notification.permission === 'default'
          ? await Notification.requestPermission()
          : Notification.permission;
      store(permission === 'granted' ? 'on' : 'off');
      setState(desktopState());
    },
    disable() {
      store('off');
      setState(desktopState());
    },
  };
}

/** Shows a notification if this workstation turned them on; a click brings the page back. */
export function showDesktopNotification(tag: string, title: string, body: string, onClick: () => void): void {
  if (desktopState() !== 'on') return;
  try {
    const notification = new Notification(title, { body, tag, requireInteraction: false });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker: the in-page alert remains.
  }
}
