import type { Language } from '../../accounts/index.js';

/** What a clock carries of its name: the policy's English name and, when the policy gave one, Chinese. */
export interface NamedClock {
  name: string;
  nameZh?: string | null;
}

/**
 * A clock's name in the page's language: the policy's Traditional Chinese name on zh-HK pages, the
 * English one otherwise. A clock stored before the policy carried Chinese names has only `name`, and
 * shows it on both (English is better than nothing).
 */
export function clockName(clock: NamedClock, lang: Language): string {
  if (lang === 'zh-HK' && typeof clock.nameZh === 'string' && clock.nameZh !== '') return clock.nameZh;
  return clock.name;
}
