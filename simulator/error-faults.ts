// The errors.* faults, as bugs of the error serializer (http.ts sendError asks the shaper).
// Each mangles one class of errors only, so the detection matrix can tell them apart.
import type { Faults } from './faults';
import { STATUS_OF, type ErrorCode, type ErrorShaper } from './http';

const json = (doc: Record<string, string>) => JSON.stringify(doc);

// The page a web server in front of the API sends for a 404 it handles itself.
const HTML_404 = '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n';

// What a debug-mode error handler would put in the message (fixed: no real paths leak).
const STACK = 'Error: upstream query failed\n    at Store.runPage (/srv/rundun/store.ts:118:11)\n    at node:internal/process/task_queues:95:5';

/** undefined when no errors.* fault is on (sendError then costs nothing extra). */
export function createErrorShaper(f: Faults): ErrorShaper | undefined {
  const noCode = f.has('errors.no-error-field');
  const noMessage = f.has('errors.no-message-field');
  const plainText = f.has('errors.non-json-body');
  const wrongType = f.has('errors.wrong-content-type');
  const unknownCode = f.has('errors.unknown-code');
  const stack = f.has('errors.stack-in-500');
  const html = f.has('errors.html-error-page');
  if (!noCode && !noMessage && !plainText && !wrongType && !unknownCode && !stack && !html) return undefined;
  return (code: ErrorCode, message: string) => {
    if (noCode && code === 'validation_failed') return { body: json({ message }) };
    if (noMessage && STATUS_OF[code] === 404) return { body: json({ error: code }) };
    if (plainText && code === 'bad_request') return { body: `Bad Request: ${message}` };
    if (wrongType && code === 'unauthorized') return { body: json({ error: code, message }), contentType: 'text/plain; charset=utf-8' };
    if (unknownCode && code === 'run_not_found') return { body: json({ error: 'missing', message }) };
    if (stack && code === 'internal_error') return { body: json({ error: code, message: STACK }) };
    if (html && STATUS_OF[code] === 404) return { body: HTML_404, contentType: 'text/html; charset=utf-8' };
    return null;
  };
}
