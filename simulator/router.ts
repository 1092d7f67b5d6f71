// Stage 3, routing: plain string comparisons, no regexes. Unknown paths are `notFound`; known
// paths with an unsupported method are `wrongMethod`, which the dispatcher also answers 404
// not_found (the contract has no 405) unless the status.405-unknown-method fault is on.

export type Route =
  | { kind: 'listTemplates' }
  | { kind: 'getTemplate'; id: string }
  | { kind: 'listRuns' }
  | { kind: 'createRun' }
  | { kind: 'getRun'; id: string }
  | { kind: 'notFound' }
  | { kind: 'wrongMethod' };

const LIST_TEMPLATES: Route = { kind: 'listTemplates' };
const LIST_RUNS: Route = { kind: 'listRuns' };
const CREATE_RUN: Route = { kind: 'createRun' };
const NOT_FOUND: Route = { kind: 'notFound' };
const WRONG_METHOD: Route = { kind: 'wrongMethod' };

const TEMPLATES = '/v1/templates';
const RUNS = '/v1/runs';

/** One path segment after `prefix/`, or null. */
function segmentAfter(path: string, prefix: string): string | null {
  if (path.length <= prefix.length + 1 || !path.startsWith(prefix) || path.charCodeAt(prefix.length) !== 47) return null;
  const id = path.slice(prefix.length + 1);
  return id.includes('/') ? null : id;
}

export function matchRoute(method: string | undefined, path: string): Route {
  if (method === 'GET') {
    if (path === TEMPLATES) return LIST_TEMPLATES;
    if (path === RUNS) return LIST_RUNS;
    const t = segmentAfter(path, TEMPLATES);
    if (t !== null) return { kind: 'getTemplate', id: t };
    const r = segmentAfter(path, RUNS);
    if (r !== null) return { kind: 'getRun', id: r };
    return NOT_FOUND;
  }
  if (method === 'POST' && path === RUNS) return CREATE_RUN;
  if (path === TEMPLATES || path === RUNS || segmentAfter(path, TEMPLATES) !== null || segmentAfter(path, RUNS) !== null) return WRONG_METHOD;
  return NOT_FOUND;
}
