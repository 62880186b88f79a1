import type { correspondenceEn } from './correspondence.en.js';

/** 訊息往來的繁體中文字詞：與 `correspondence.en.ts` 相同的鍵（類型強制）。 */
export const correspondenceZhHK: typeof correspondenceEn = {
  bureauTitle: '與 CERT 的訊息往來',
  certTitle: '與決策局／部門的訊息往來',
  bureauIntro: '就此事故致函 GovCERT。處理人員會收到電郵通知；訊息保存在此，與事故一併存檔。',
  certIntro:
    '就此事故致函決策局／部門的聯絡人。他們會收到電郵通知。決策局／部門只會看到發件人為 GovCERT，不會看到你的名字。',
  pageTitle: '事故 {{ref}} 的訊息',
  back: '返回事故',
  none: '暫時沒有訊息。',
  cert: 'GovCERT',
  certStaff: '{{name}}（GovCERT）',
  bureauPerson: '{{name}}（決策局／部門）',
  wrote: '{{who}}，{{when}}',
  body: '你的訊息',
  hint: '純文字，最多 {{max}} 個字元。請勿貼上密碼或密鑰。',
  send: '發送訊息',
  sent: '你的訊息已發送，對方會收到電郵通知。',
  readOnly: '你的角色可閱讀這些訊息，但不可發送。',
  errors: {
    empty: '請先輸入訊息，然後發送。',
    tooLong: '訊息太長：最多 {{maximum}} 個字元。',
  },
};
