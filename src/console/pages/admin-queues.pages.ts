import type { Request, RequestHandler, Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { NotFoundError } from '../../platform/index.js';
import { definePage, type AnyPage } from '../page.js';

export interface AdminQueuesDeps {
  /** The system's job queues (the API process's producer side: no worker is started here). */
  queues(): readonly Queue[];
}

/** Where the dashboard lives; every path under it is the dashboard's own (its pages, API, files). */
export const QUEUES_BASE = '/console/admin/queues';

/**
 * Bull Board's own content security policy, replacing the console's on its paths only. Its page (a
 * prebuilt bundle's `index.ejs`) draws its loading screen with `style` attributes and a `<style>`
 * element, which the console's `style-src 'self'` refuses: so styles may be inline here, and here only.
 * Scripts stay `'self'` (the bundle is files; its configuration is a JSON data block, which is not run).
 * Its `<base href>` needs `base-uri 'self'`. The Google Fonts stylesheet it links is refused (the
 * console loads nothing from other sites): its text falls back to the system fonts.
 */
const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "object-src 'none'",
].join('; ');

/** Runs the dashboard's Express app on this request; false when it had no answer for the path. */
function serveWith(board: RequestHandler, req: Request, res: Response): Promise<boolean> {
  return new Promise((resolve, reject) => {
    res.once('finish', () => {
      resolve(true);
    });
    res.once('close', () => {
      resolve(true);
    });
    // The dashboard's routes are relative to where it is mounted.
    req.url = req.originalUrl.slice(QUEUES_BASE.length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    const next = (err?: unknown): void => {
      if (err) reject(err instanceof Error ? err : new Error('Bull Board failed', { cause: err }));
      else resolve(false);
    };
    Promise.resolve(board(req, res, next)).catch(reject);
  });
}

/**
 * The BullMQ queue dashboard (Bull Board) under the console, for administrators only: a console page
 * for every path beneath {@link QUEUES_BASE}, so the session, the permission check (a 403 page,
 * audited, for other roles) and the sign-in redirect run before the dashboard sees the request.
 * Read-only: every queue is added in Bull Board's read-only mode, and only GET is routed here, so its
 * retry, clean and remove calls (PUT, DELETE) meet the console's 404 page.
 */
export function adminQueuesPages(deps: AdminQueuesDeps): AnyPage[] {
  const server = new ExpressAdapter();
  server.setBasePath(QUEUES_BASE);
  createBullBoard({
    queues: deps.queues().map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter: server,
    options: { uiConfig: { boardTitle: 'GovCERT queues' } },
  });
  const board = server.getRouter() as RequestHandler;
  return [
    definePage({
      method: 'get',
      path: `${QUEUES_BASE}{/*rest}`,
      permission: 'admin.queues',
      handler: async ({ req, res }) => {
        const consolePolicy = res.getHeader('Content-Security-Policy');
        res.setHeader('Content-Security-Policy', BOARD_CSP);
        if (!(await serveWith(board, req, res))) {
          // Not the dashboard's: the console's 404 page, under the console's own policy.
          if (consolePolicy !== undefined) res.setHeader('Content-Security-Policy', consolePolicy);
          throw new NotFoundError('Page');
        }
        return { sent: true };
      },
    }),
  ];
}
