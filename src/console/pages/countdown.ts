import type { Language } from '../../accounts/index.js';
import type { Translator } from '../i18n.js';

/** A deadline as the countdown column shows it: the due time, and the time left (or overdue) in words. */
export interface Countdown {
  dueAt: Date;
  /** The due time for the script (ISO 8601, UTC). */
  iso: string;
  text: string;
  overdue: boolean;
}

/** `1 d 4 h 12 min`, in the page's language: what the server renders and the script keeps current. */
export function duration(translator: Translator, lang: Language, ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const parts: string[] = [];
  if (days > 0) parts.push(translator.t(lang, 'queues.days', { count: days }));
  if (days > 0 || hours > 0) parts.push(translator.t(lang, 'queues.hours', { count: hours }));
  parts.push(translator.t(lang, 'queues.minutes', { count: minutes % 60 }));
  return parts.join(' ');
}

export function countdown(translator: Translator, lang: Language, dueAt: Date, now = Date.now()): Countdown {
  const left = dueAt.getTime() - now;
  const time = duration(translator, lang, left);
  const iso = dueAt.toISOString();
  return left >= 0
    ? { dueAt, iso, text: translator.t(lang, 'queues.left', { time }), overdue: false }
    : { dueAt, iso, text: translator.t(lang, 'queues.overdue', { time }), overdue: true };
}

/**
 * The words the countdown script needs, as data attributes of the table (the page's language; `%T`
 * and `%N` are the script's placeholders, so no message is built in the browser's own words).
 */
export function countdownWords(translator: Translator, lang: Language): Record<string, string> {
  return {
    left: translator.t(lang, 'queues.left', { time: '%T' }),
    overdue: translator.t(lang, 'queues.overdue', { time: '%T' }),
    days: translator.t(lang, 'queues.days', { count: '%N' }),
    hours: translator.t(lang, 'queues.hours', { count: '%N' }),
    minutes: translator.t(lang, 'queues.minutes', { count: '%N' }),
  };
}
