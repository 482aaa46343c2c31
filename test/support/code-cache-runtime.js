/**
 * Jest's runtime with a V8 code cache per worker (jest config `runtime`), and node_modules sources read once per worker. Jest compiles every module again for
 * every test file (its module registry is per file, and its vm.compileFunction call cannot hit V8's own cache), so a
 * suite that builds a stack re-parses cdktf and the providers' generated code: ~2 s of CPU before its first test.
 * Here a module whose code was compiled by an earlier test file in the same worker starts from that compilation's
 * code cache, taken after the file ran, so it holds the functions the run compiled lazily too. The module still runs
 * afresh in each test file's own context: only V8's parse and compile are skipped. A cache V8 rejects (other flags,
 * other source) is ignored and the code compiled as jest would.
 */
"use strict";
const path = require("path");
const vm = require("vm");
const Runtime = require("jest-runtime").default;

/** filename -> { source, data }: the last code cache taken of that file's transformed source, in this worker. */
const caches = new Map();
/** Sources of node_modules files, read once per worker: a run never changes installed packages. */
const installedSources = new Map();

class CodeCacheRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const executor = this.executor;
    this.codeCacheFresh = [];
    // Jest reads every module again for each test file: 25 MB of provider code for a suite that builds a stack.
    const fileCache = this.fileCache;
    if (typeof fileCache?.readFile === "function") {
      const readFile = fileCache.readFile.bind(fileCache);
      fileCache.readFile = (filename) => {
        if (!filename.includes(`${path.sep}node_modules${path.sep}`)) return readFile(filename);
        let source = installedSources.get(filename);
        if (source === undefined) installedSources.set(filename, (source = readFile(filename)));
        return source;
      };
    }
    // Jest's internals, pinned by the lock file: if another version moved them, jest runs as it is.
    if (typeof executor?.compile !== "function" || !Array.isArray(executor.injectedModuleParameters)) return;
    const compileAsJest = executor.compile.bind(executor);
    /** Scripts compiled without a cache by this test file: their cache is taken at teardown, after they ran. */
    const fresh = this.codeCacheFresh;
    executor.compile = (source, filename) => {
      const context = executor.environment.getVmContext();
      if (context == null) return null;
      const known = caches.get(filename);
      const cachedData = known && known.source === source ? known.data : undefined;
      let script;
      try {
        // The parameters on a line of their own, and lineOffset -1: stack traces keep the file's own line numbers.
        script = new vm.Script(`(function (${executor.injectedModuleParameters.join(", ")}) {\n${source}\n})`, {
          filename,
          lineOffset: -1,
          cachedData,
          importModuleDynamically: (specifier, _script, importAttributes, phase) => executor.dynamicImport(specifier, filename, context, importAttributes, phase),
        });
      } catch {
        return compileAsJest(source, filename); // jest's own compile reports the syntax error its way
      }
      if (cachedData === undefined || script.cachedDataRejected) fresh.push({ filename, source, script });
      return script.runInContext(context);
    };
  }

  teardown() {
    for (const { filename, source, script } of this.codeCacheFresh.splice(0)) {
      try {
        caches.set(filename, { source, data: script.createCachedData() });
      } catch {
        // Only speed is lost.
      }
    }
    return super.teardown();
  }
}

module.exports = CodeCacheRuntime;
