/**
 * Runs in every test file before it loads (jest `setupFiles`). cdktf records a full stack trace for
 * every token it creates, only to decorate its "misused token" errors; under jest each trace is also
 * source-mapped, which made in-process synthesis several times slower than `npm run synth`.
 * main.ts turns the capture off the same way (stacks/synth-speed.ts); error messages are unchanged.
 */
import tokenStackTrace = require("cdktf/lib/tokens/private/stack-trace");

(tokenStackTrace as { captureStackTrace: () => string[] }).captureStackTrace = () => [];
