import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../shared/api.ts';
import { type JournalEvent, openJournalStream, type StreamState } from '../shared/events.ts';
import { debounce, dispatchLive } from '../shared/live.ts';
import { showDesktopNotification } from './desktop.ts';
import { attachmentSummary, patientName } from './format.ts';
import { isOpenAt, parseOpeningHours } from './hours.ts';
import { go, href } from './router.ts';
import { beep } from './sound.ts';
import { counterSettings, DEFAULT_REALERT_MINUTES } from './stream.ts';
import type { Page, TeamConversation } from './types.ts';

/**
 * The counter's live side: the pharmacy stream, the unread count (tab title), and the pop-up.
 *
 * A `conversation.new` / `message.patient` event → the unread listing is fetched (it does not mark
 * anything read, unlike opening the conversation) → an in-page alert with the patient's name and
 * what was sent, a beep and a desktop notification. Someone opening (`read`), claiming, answering,
 * changing the status or closing it clears the alert on every workstation. An alert nobody
 * acknowledged rings again every `realertMinutes`, during opening hours.
 *
 * Alerts live in the page: when the counter starts, and when its stream resumes, they are rebuilt
 * from the `waiting` listing — open, unclaimed conversations still « Reçue » whose latest patient
 * message nobody of the team has read, answered or acted on since: exactly the arrivals no
 * acknowledgement has cleared yet.
 */
export interface Alert {
  conversationId: string;
  patient: string;
  summary: string;
  subject: string;
  at: string;
  /** Journal position of the message that raised it. */
  seq: number;
  rangAt: number;
  /** Hidden on this workstation until it rings again. */
  hidden: boolean;
}

export interface CounterLive {
  stream: { state: StreamState; reason?: string };
  alerts: Alert[];
  unread: { count: number; more: boolean } | null;
  realertMinutes: number;
  openingHours: string | null;
  hide(conversationId: string): void;
  refreshUnread(): void;
}

const ARRIVALS = new Set(['conversation.new', 'message.patient']);
const ACKNOWLEDGEMENTS = new Set(['read', 'claim', 'handover', 'message.team', 'status', 'close']);

export function useCounterLive(finess: string, pharmacyName: string, viewing: string | null): CounterLive {
  const [stream, setStream] = useState<{ state: StreamState; reason?: string }>({ state: 'connecting' });
  const [alerts, setAlertsState] = useState<Alert[]>([]);
  const alertsRef = useRef<Alert[]>([]);
  /** The alerts' one writer: the ref is the truth, the state renders it. */
  const setAlerts = (change: (current: Alert[]) => Alert[]) => {
    const next = change(alertsRef.current);
    if (next === alertsRef.current) return;
    alertsRef.current = next;
    setAlertsState(next);
  };
  const [unread, setUnread] = useState<{ count: number; more: boolean } | null>(null);
  const [settings, setSettings] = useState({
    realertMinutes: DEFAULT_REALERT_MINUTES,
    openingHours: null as string | null,
  });
  const viewingRef = useRef(viewing);
  viewingRef.current = viewing;
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const refreshRef = useRef<() => void>(() => {});

  useEffect(() => {
    let alive = true;
    /** Arrivals waiting for the listing: conversation id → journal seq. */
    const pending = new Map<string, number>();
    /** The latest acknowledgement seen per conversation (an older arrival must not alert). */
    const acknowledged = new Map<string, number>();
    const base = `/api/pharmacies/${encodeURIComponent(finess)}`;

    const ring = (alert: Alert) => {
      beep();
      showDesktopNotification(
        `officine-mss-${alert.conversationId}`,
        `${alert.patient} — nouveau message`,
        `${alert.summary}\n${pharmacyName}`,
        () => go(href.conversation(alert.conversationId)),
      );
    };

    /** The journal position the page has seen (events and `ready`). */
    let head = 0;
    const alertOf = (conversation: TeamConversation, seq: number): Alert => ({
      conversationId: conversation.id,
      patient: patientName(conversation),
      summary: attachmentSummary(conversation.latestPatientAttachments ?? []),
      subject: conversation.subject,
      at: conversation.lastMessageAt,
      seq,
      rangAt: Date.now(),
      hidden: false,
    });
    /** Whoever is at this workstation sees the conversation: no alert for it here. */
    const seenHere = (id: string) => viewingRef.current === id && document.hasFocus();

    /** False when the request failed (the next event or the periodic refresh tries again). */
    const fetchUnreadOnce = async (): Promise<boolean> => {
      // Only the arrivals known before the request are settled by its answer; one that lands
      // while it is in flight may be missing from it, and waits for the next fetch.
      const asked = new Map(pending);
      let page: Page<TeamConversation>;
      try {
        page = await api<Page<TeamConversation>>('GET', `${base}/conversations?filter=unread&limit=100`);
      } catch {
        return false;
      }
      if (!alive) return false;
      for (const [id, seq] of asked) if (pending.get(id) === seq) pending.delete(id);
      setUnread({ count: page.items.length, more: page.nextCursor !== null });
      const byId = new Map(page.items.map((c) => [c.id, c]));
      const fresh: Alert[] = [];
      for (const [id, seq] of asked) {
        const conversation = byId.get(id);
        if (!conversation?.open) continue;
        if ((acknowledged.get(id) ?? 0) > seq) continue;
        if (seenHere(id)) continue;
        fresh.push(alertOf(conversation, seq));
      }
      // Conversations this member has read since (elsewhere too) no longer alert.
      const isFresh = (a: Alert) => fresh.some((f) => f.conversationId === a.conversationId);
      setAlerts((current) => {
        const kept = current.filter((a) => byId.has(a.conversationId) && !isFresh(a));
        return fresh.length === 0 && kept.length === current.length ? current : [...fresh, ...kept];
      });
      for (const alert of fresh) ring(alert);
      return true;
    };
    // One fetch at a time, and once more when something arrived meanwhile.
    let fetching = false;
    let again = false;
    const fetchUnread = async () => {
      if (fetching) {
        again = true;
        return;
      }
      fetching = true;
      try {
        let ok = true;
        do {
          again = false;
          ok = await fetchUnreadOnce();
        } while (ok && (again || pending.size > 0));
      } finally {
        fetching = false;
      }
    };

    const rebuild = async () => {
      const since = head;
      let page: Page<TeamConversation>;
      try {
        page = await api<Page<TeamConversation>>('GET', `${base}/conversations?filter=waiting&limit=100`);
      } catch {
        return;
      }
      if (!alive) return;
      const fresh = page.items
        .filter((c) => !alertsRef.current.some((a) => a.conversationId === c.id))
        .filter((c) => (acknowledged.get(c.id) ?? 0) <= since && !seenHere(c.id))
        .map((c) => alertOf(c, since));
      if (fresh.length === 0) return;
      setAlerts((current) => [
        ...fresh.filter((f) => !current.some((a) => a.conversationId === f.conversationId)),
        ...current,
      ]);
      for (const alert of fresh) ring(alert);
    };
    const refresh = debounce(() => void fetchUnread(), 80);
    refreshRef.current = refresh;
    const periodic = setInterval(refresh, 60_000);

    const onEvent = (event: JournalEvent, replay: boolean) => {
      head = Math.max(head, event.seq);
      if (ARRIVALS.has(event.kind)) {
        if (!replay) pending.set(event.conversationId, event.seq);
      } else if (ACKNOWLEDGEMENTS.has(event.kind)) {
        acknowledged.set(event.conversationId, event.seq);
        pending.delete(event.conversationId);
        if (alertsRef.current.some((a) => a.conversationId === event.conversationId))
          setAlerts((current) => current.filter((a) => a.conversationId !== event.conversationId));
      }
      refresh();
      dispatchLive(event);
    };

    const connection = openJournalStream(`${base}/events`, {
      onEvent,
      onReady(ready) {
        head = Math.max(head, ready.seq);
        setSettings(counterSettings(ready));
        refresh();
        if (ready.resumed) void rebuild();
        dispatchLive({ kind: 'resync' });
      },
      onState(state, reason) {
        setStream(reason === undefined ? { state } : { state, reason });
        // The session ended or another tab took over: nothing more to fetch here.
        if (state === 'ended') clearInterval(periodic);
      },
    });
    // Unread count and alerts at start, and a backstop should a hint be lost.
    void fetchUnread();
    void rebuild();
    return () => {
      alive = false;
      refresh.cancel();
      clearInterval(periodic);
      connection.close();
    };
  }, [finess, pharmacyName]);

  // Ring again what nobody acknowledged, during opening hours.
  useEffect(() => {
    const timer = setInterval(() => {
      const { realertMinutes, openingHours } = settingsRef.current;
      const now = Date.now();
      if (!isOpenAt(parseOpeningHours(openingHours), new Date(now))) return;
      const due = alertsRef.current.filter((a) => now - a.rangAt >= realertMinutes * 60_000);
      if (due.length === 0) return;
      setAlerts((current) =>
        current.map((a) => (due.includes(a) ? { ...a, rangAt: now, hidden: false } : a)),
      );
      for (const alert of due) {
        beep();
        showDesktopNotification(
          `officine-mss-${alert.conversationId}`,
          `${alert.patient} attend une réponse`,
          `${alert.summary}\n${pharmacyName}`,
          () => go(href.conversation(alert.conversationId)),
        );
      }
    }, 15_000);
    return () => clearInterval(timer);
  }, [pharmacyName]);

  // Opening a conversation here acknowledges its alert at once (the `read` event follows).
  useEffect(() => {
    if (viewing && alertsRef.current.some((a) => a.conversationId === viewing))
      setAlerts((current) => current.filter((a) => a.conversationId !== viewing));
  }, [viewing]);

  return {
    stream,
    alerts,
    unread,
    ...settings,
    hide(conversationId) {
      setAlerts((current) =>
        current.map((a) => (a.conversationId === conversationId ? { ...a, hidden: true } : a)),
      );
    },
    refreshUnread() {
      refreshRef.current();
    },
  };
}
