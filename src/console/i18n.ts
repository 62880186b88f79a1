import i18next, { type TFunction } from 'i18next';
import { LANGUAGES, type Language } from '../accounts/index.js';
import { en } from './messages/en.js';
import { zhHK } from './messages/zh-hk.js';

/** The console's translator: one i18next instance of its own over the two catalogues. */
export interface Translator {
  t(language: Language, key: string, values?: Record<string, unknown>): string;
  /** True when `key` names a message (field errors may be message keys or plain service text). */
  has(key: string): boolean;
}

export function createTranslator(): Translator {
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false, // the catalogues are in memory: ready before the first page
    lng: 'en',
    fallbackLng: false, // a missing key must show as missing in tests, not quietly as English
    supportedLngs: [...LANGUAGES],
    load: 'currentOnly',
    resources: { en: { translation: en }, 'zh-HK': { translation: zhHK } },
    // Handlebars escapes what the helper returns; escaping here as well would show `&amp;`.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = new Map<Language, TFunction>(LANGUAGES.map((lng) => [lng, instance.getFixedT(lng)]));
  return {
    t(language, key, values = {}) {
      const translate = fixed.get(language) ?? fixed.get('en');
      if (!translate || !instance.exists(key, { lng: language })) {
        throw new Error(`console message ${key} missing in ${language}`);
      }
      return translate(key, values);
    },
    has: (key) => instance.exists(key, { lng: 'en' }),
  };
}

/** The best supported language of an Accept-Language header (`zh-HK`, `zh-TW`, `zh-Hant` read as zh-HK). */
export function fromAcceptLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const wanted = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.tag !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    if (tag === 'zh-hk' || tag === 'zh-tw' || tag === 'zh-mo' || tag.startsWith('zh-hant')) return 'zh-HK';
  }
  return null;
}
