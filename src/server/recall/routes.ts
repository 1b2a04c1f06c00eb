import type { Hono } from 'hono';
import type { DashboardData } from '../api/dashboard-data.js';
import { htmlToPdf } from '../../programmes/recall/letters-pdf.js';
import { recallApiRoutes } from './api.js';
import { recallPageRoutes } from './pages.js';
import { RecallService } from './service.js';

/**
 * Mounts the recall API and pages (docs/RECALL.md "Server"). Letters are printed to PDF only on
 * servers that print PDFs at all (chromium available: `renderPdf` given to createApp).
 */
export function mountRecall(app: Hono, data: DashboardData, options: { renderPdf?: unknown; recallDir?: string }): RecallService {
  const svc = new RecallService(data.engine, data, options.recallDir);
  const recall = options.renderPdf ? { lettersPdf: htmlToPdf } : {};
  app.route('/', recallApiRoutes(svc, recall));
  app.route('/', recallPageRoutes(svc, recall));
  return svc;
}
