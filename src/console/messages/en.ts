import { portalEn } from './portal.en.js';
import { responderEn } from './responder.js';
import { auditEn } from './audit.en.js';
import { stagedReportsEn } from './staged-reports.en.js';
import { adminMoreEn } from './admin-more.en.js';
import { correspondenceEn } from './correspondence.en.js';
import { organisationEn } from './organisation.en.js';
import { advisoriesEn } from './advisories.en.js';
import { incidentRecordEn } from './incident-record.js';

/**
 * The console's English message catalogue: every word a page shows comes from here or from
 * `zh-hk.ts`, whose type makes a missing translation a compile error. TLP labels are not messages: the
 * TLP 2.0 rule keeps them in English, upper case, in every language.
 */
export const en = {
  portal: portalEn,
  advisoryDesk: advisoriesEn,
  organisation: organisationEn,
  correspondence: correspondenceEn,
  ...responderEn,
  ...auditEn,
  ...stagedReportsEn,
  ...adminMoreEn,
  ...incidentRecordEn,
  common: {
    appName: 'GovCERT incident response',
    skipToContent: 'Skip to main content',
    signOut: 'Sign out',
    signedInAs: 'Signed in as {{name}}',
    mainNav: 'Main',
    language: 'Language',
    changeLanguage: 'Change language',
    save: 'Save',
    continue: 'Continue',
    back: 'Back',
    required: 'required',
    fieldErrorsIntro: 'Please correct the following:',
    hkt: 'HKT',
    utcTitle: '{{utc}} (UTC)',
    none: 'None',
  },
  languages: { en: 'English', 'zh-HK': '繁體中文' },
  nav: { home: 'Home', account: 'Account security' },
  roles: {
    reporter: 'Bureau reporter',
    responder: 'Responder',
    lead: 'Lead',
    auditor: 'Auditor',
    admin: 'Administrator',
  },
  signin: {
    title: 'Sign in',
    intro: 'Sign in with your work email address and password.',
    email: 'Email address',
    password: 'Password',
    submit: 'Sign in',
    or: 'or',
    sso: 'Sign in with single sign-on',
    refused:
      'Sign-in refused: the email address or password is wrong, or the account is locked for a while after repeated failures. Ask an administrator if you cannot sign in.',
    signedOut: 'You are signed out.',
    signInToContinue: 'Please sign in to continue.',
    idleExpired: 'Your session ended after {{minutes}} minutes without activity. Please sign in again.',
    absoluteExpired: 'Your session reached its time limit of {{hours}} hours. Please sign in again.',
    ended: 'Your session was ended by an administrator. Please sign in again.',
    stepExpired: 'That sign-in took too long. Please start again.',
    ssoRefused: {
      no_email: 'Single sign-on did not give an email address for you.',
      email_unverified: 'Single sign-on says your email address is not verified.',
      no_role: 'Your single sign-on groups give you no role in this system. Ask your administrator.',
      ambiguous_role:
        'Your single sign-on groups give you more than one role in this system. Ask your administrator.',
      no_bureau: 'Single sign-on did not say which bureau you belong to.',
      unknown_bureau: 'Single sign-on names a bureau this system does not know.',
      disabled: 'Your account is disabled. Ask an administrator.',
      role_changed:
        'Your single sign-on role or bureau differs from your account here. Ask an administrator to update your account.',
      issuer_error: 'Single sign-on could not be completed. Please try again.',
    },
  },
  secondFactor: {
    title: 'Two-step verification',
    intro: 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.',
    code: 'Code',
    codeHelp: 'Six digits, or a recovery code such as abcde-12345.',
    submit: 'Verify',
  },
  enrol: {
    title: 'Set up two-step verification',
    requiredIntro: 'This system requires a second step at sign-in. Set it up now to finish signing in.',
    intro:
      'Scan the QR code with an authenticator app (for example Microsoft Authenticator or Google Authenticator), then enter the code it shows.',
    qrAlt: 'QR code for your authenticator app',
    manual: 'Cannot scan? Enter this key in the app instead:',
    code: 'Code from the app',
    codeHelp: 'Six digits.',
    submit: 'Turn on two-step verification',
    doneTitle: 'Two-step verification is on',
    recoveryIntro:
      'Keep these recovery codes somewhere safe, away from your phone. Each works once if you lose your phone. They are shown only now.',
    recoveryList: 'Recovery codes',
  },
  account: {
    title: 'Account security',
    totpOn: 'Two-step verification is on.',
    enrolledAt: 'Turned on:',
    totpOff: 'Two-step verification is off.',
    totpOidc: 'You sign in through single sign-on: your organisation manages the second step.',
    enrolTotp: 'Turn on two-step verification',
    replaceTotp: 'Move two-step verification to a new phone',
    recoveryLeft: 'Recovery codes left: {{count}}',
    languageTitle: 'Language',
    languageHelp: 'The console is shown in this language whenever you sign in.',
    languageSaved: 'Language saved.',
  },
  password: {
    title: 'Set your password',
    intro: 'Choose a password for {{email}}.',
    password: 'New password',
    passwordHelp: 'At least {{min}} characters. A few unrelated words make a good password.',
    confirm: 'New password again',
    submit: 'Set password',
    done: 'Your password is set. Sign in with it now.',
    linkInvalid:
      'This link no longer works: it was used already, replaced by a newer one, or it expired. Ask an administrator for a new link.',
  },
  home: {
    title: 'Home',
    welcome: 'Welcome, {{name}}',
    role: 'Role: {{role}}',
    bureau: 'Bureau: {{bureau}}',
    cert: 'You work for the CERT: every bureau’s incidents are in your scope.',
    nextSteps: 'What you can do',
    accountLink: 'Review your account security and language',
    apiKeys: 'Systems use API keys on the HTTP API; people use this console.',
  },
  incident: {
    title: 'Incident {{ref}}',
    summary: 'Summary',
    status: 'Status',
    severity: 'Severity',
    bureau: 'Bureau',
    reportedAt: 'Reported',
    clocks: 'Deadlines',
    clock: 'Obligation',
    due: 'Due',
    noClocks: 'No deadlines are running.',
    notTriaged: 'Not assessed yet',
  },
  errors: {
    title: {
      '400': 'The request could not be understood',
      '401': 'Please sign in',
      '403': 'Not allowed',
      '404': 'Page not found',
      '409': 'Conflict',
      '412': 'Changed meanwhile',
      '413': 'Too large',
      '415': 'Unsupported',
      '422': 'Please check the form',
      '429': 'Too many requests',
      '500': 'Something went wrong',
      '503': 'Temporarily unavailable',
    },
    message: {
      not_found: 'There is nothing at this address, or you may not see it.',
      forbidden: 'Your role does not allow this page or action.',
      csrf: 'The form expired or came from another site. Go back, reload the page and try again.',
      rate_limited: 'Too many requests from your address. Wait a minute and try again.',
      internal: 'The system could not complete this. Try again; if it persists, tell the CERT.',
      unavailable: 'A service this page needs is unavailable. Try again in a moment.',
      other: 'The request was refused: {{message}}',
    },
    requestId: 'Reference for support: {{id}}',
    home: 'Go to the home page',
  },
  validation: {
    required: 'This field is required.',
    email: 'Enter an email address such as name@example.gov.hk.',
    tooShort: 'Enter at least {{minimum}} characters.',
    tooLong: 'Enter at most {{maximum}} characters.',
    choice: 'Choose one of the options.',
    invalid: 'This value is not valid.',
    passwordTooShort: 'Use at least {{minimum}} characters.',
    passwordIsEmail: 'Do not use your email address as your password.',
    passwordMismatch: 'The two passwords differ.',
    codeFormat: 'Enter the 6 digits the app shows.',
    codeWrong: 'That code does not match. Enter the code the app shows now.',
  },
};

/** The catalogue's shape: every language has exactly these keys. */
export type Messages = DeepStrings<typeof en>;
type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
