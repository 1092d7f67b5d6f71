// Test instrumentation, loaded with NODE_OPTIONS=--import into every process of the demo: each
// HTTP server records every API key presented to it (any header) into the file named by
// HARNESS_TEST_KEY_CAPTURE, owner-only. The simulator's keys are random per process, so this is
// how a test outside the demo learns which keys to look for in what the demo wrote.
import http from 'node:http';
import { appendFileSync } from 'node:fs';

const out = process.env.HARNESS_TEST_KEY_CAPTURE;
if (out) {
  const seen = new Set();
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, req, ...rest) {
    if ((event === 'request' || event === 'checkExpectation') && req && req.headers)
      for (const v of Object.values(req.headers))
        for (const m of String(v).matchAll(/rdk_live_[A-Za-z0-9]{32}/g))
          if (!seen.has(m[0])) {
            seen.add(m[0]);
            appendFileSync(out, `${m[0]}\n`, { mode: 0o600 });
          }
    return emit.call(this, event, req, ...rest);
  };
}
