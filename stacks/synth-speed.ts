/** Process settings that make synth fast; imported first by main.ts so they apply before anything loads. */
import tokenStackTrace = require("cdktf/lib/tokens/private/stack-trace");

// cdktf captures a full stack trace for every token it creates (thousands per stack, into plain
// objects, not Errors) and tsx turns source maps on: formatting them cost a third of synth. Those
// traces only decorate cdktf's "misused token" errors, so they are left empty; real Errors keep
// their stack.
process.setSourceMapsEnabled(false);
const formatStack = Error.prepareStackTrace;
Error.prepareStackTrace = (error: unknown, frames: NodeJS.CallSite[]) => {
  if (!(error instanceof Error)) return "";
  if (formatStack) return formatStack(error, frames);
  return [`${error.name}: ${error.message}`, ...frames.map((f) => `    at ${String(f)}`)].join("\n");
};

// Each token also asks V8 for every frame of its creation stack (stackTraceLimit = MAX_SAFE_INTEGER)
// before the formatter above even runs. cdktf reads the function from its module's exports on each
// call, so replacing it there skips the capture itself.
(tokenStackTrace as { captureStackTrace: () => string[] }).captureStackTrace = () => [];
