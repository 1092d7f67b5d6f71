// The errors.* faults, as bugs of the error serializer (http.ts sendError asks the shaper).
// Each mangles one class of errors only, so the detection matrix can tell them apart.
import type { Faults } from './faults';
import { STATUS_OF, type ErrorCode, type ErrorShaper } from './http';

const json = (doc: Record<string, string>) => JSON.stringify(doc);

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
  if (!noCode && !noMessage && !plainText && !wrongType && !unknownCode && !stack) return undefined;
  return (code: ErrorCode, message: string) => {
    if (noCode && code === 'validation_failed') return { body: json({ message }) };
    if (noMessage && STATUS_OF[code] === 404) return { body: json({ error: code }) };
    if (plainText && code === 'bad_request') return { body: `Bad Request: ${message}` };
    if (wrongType && code === 'unauthorized') return { body: json({ error: code, message }), contentType: 'text/plain; charset=utf-8' };
    if (unknownCode && code === 'run_not_found') return { body: json({ error: 'missing', message }) };
    if (stack && code === 'internal_error') return { body: json({ error: code, message: STACK }) };
    return null;
  };
}
