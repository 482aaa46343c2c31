/**
 * Python's own reading of a set of source files, in ONE interpreter for the whole set: each file is
 * compiled once (what `python3 -m py_compile` checks, without writing any bytecode), and its imports
 * and literal dag_ids (for dag-checks.ts) come from that compilation: from the compiled code where it
 * tells all (most files), else from the syntax tree the file was compiled from.
 * The sources go over stdin as bytes, so what is checked is exactly what is promoted, and they are
 * streamed while the caller still reads files: Python works on the other core meanwhile.
 */
import { ChildProcessWithoutNullStreams, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** One import statement as Python compiles it. */
export interface ImportFact {
  /** `import a.b` -> "a.b"; `from a.b import c` -> "a.b"; `from . import c` -> "". */
  readonly module: string;
  /** Names of a `from` import, none for a plain `import`. */
  readonly names: readonly string[];
  /** Leading dots of a relative import. */
  readonly level: number;
  readonly line: number;
  /** Runs when the file is parsed (not inside a function). */
  readonly top: boolean;
}

/** Why Python refuses a file: a syntax error with its line, or another compile error (no line). */
export interface PythonSyntaxError {
  readonly line: number | null;
  readonly msg: string;
}

/** What was read from one file. */
export interface FileFacts {
  readonly path: string;
  readonly imports: readonly ImportFact[];
  readonly dagIds: readonly { readonly id: string; readonly line: number }[];
  /** Set when Python does not compile the file (then it has no imports and no dag_ids). */
  readonly error?: PythonSyntaxError;
}

/** Every file's facts, and the interpreter's standard-library module names. */
export interface PythonReading {
  readonly facts: readonly FileFacts[];
  readonly stdlib: ReadonlySet<string>;
}

// Input: per file a line "<path bytes> <content bytes>\n", the path (UTF-8), then the content.
// Argument "--tree": every file's facts from its syntax tree (tests compare both readings).
/** The reader's Python program (./python-reader.py), passed with -c: no script path to resolve, no bytecode written. */
const READ_PY = fs.readFileSync(path.join(__dirname, "python-reader.py"), "utf8");

/** How to run the reader. */
export interface PythonReaderOptions {
  /** Interpreter. @default - `$PYTHON`, else `python3` */
  readonly python?: string;
  /**
   * Read every file's facts from its syntax tree, never from its compiled code (tests: both readings must
   * agree). @default false
   */
  readonly viaTree?: boolean;
}

// Chunks smaller than this are gathered into one pipe write: one syscall per file pair cost more than the copy.
const BATCH_BYTES = 64 * 1024;

/**
 * One reader process, started before the first file is known so that the interpreter's start-up overlaps
 * whatever the caller does meanwhile (walking and reading the folder). `add` each file, then `finish`.
 * Runs `python` (else `$PYTHON`, else `python3`) with `-S` (the reader needs only the standard library:
 * no site-packages, no .pth hooks) and PYTHONDONTWRITEBYTECODE set.
 */
export class PythonReader {
  private readonly exe: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly stdout: Buffer[] = [];
  private readonly stderr: Buffer[] = [];
  private readonly ended: Promise<{ code: number | null; error?: Error }>;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private sent = 0;
  // A reader that died early closes its stdin: stop writing, the exit status tells why.
  private broken = false;

  private constructor(opts: PythonReaderOptions) {
    this.exe = opts.python ?? process.env.PYTHON ?? "python3";
    const args = ["-S", "-c", READ_PY, ...(opts.viaTree ? ["--tree"] : [])];
    this.child = spawn(this.exe, args, { env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" }, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.on("data", (b: Buffer) => this.stdout.push(b));
    this.child.stderr.on("data", (b: Buffer) => this.stderr.push(b));
    this.ended = new Promise((resolve) => {
      this.child.on("error", (error) => resolve({ code: null, error }));
      this.child.on("close", (code) => resolve({ code }));
    });
    this.child.stdin.on("error", () => {
      this.broken = true;
    });
  }

  /** Starts the interpreter. */
  static start(opts: PythonReaderOptions = {}): PythonReader {
    return new PythonReader(opts);
  }

  /**
   * Queues one file for reading. Resolves at once unless the pipe is full: then when it drained, which also
   * lets Python start on what it has (back-pressure: the caller's reading waits, not its memory).
   */
  async add(path: string, content: Uint8Array): Promise<void> {
    if (this.broken) return;
    const name = Buffer.from(path, "utf8");
    const header = Buffer.from(`${name.length} ${content.length}\n`);
    this.pending.push(header, name, content instanceof Buffer ? content : Buffer.from(content.buffer, content.byteOffset, content.length));
    this.pendingBytes += header.length + name.length + content.length;
    this.sent++;
    if (this.pendingBytes >= BATCH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0 || this.broken) return;
    const chunk = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.child.stdin.write(chunk)) await drained(this.child.stdin);
  }

  /** Ends the input and returns what Python read. Throws when the interpreter cannot run the reader. */
  async finish(): Promise<PythonReading> {
    await this.flush();
    this.child.stdin.end();
    const r = await this.ended;
    // Nothing was sent: no reading needed, whatever happened to the interpreter (even none installed).
    if (this.sent === 0) return { facts: [], stdlib: new Set() };
    if (r.error || r.code !== 0) {
      throw new Error(`cannot read the DAG files with ${this.exe}: ${r.error?.message ?? (Buffer.concat(this.stderr).toString("utf8").trim() || `exit ${r.code}`)}`);
    }
    const parsed = JSON.parse(Buffer.concat(this.stdout).toString("utf8")) as { files: FileFacts[]; stdlib: string[] };
    return { facts: parsed.files, stdlib: new Set(parsed.stdlib) };
  }

  /** Stops the interpreter without a reading (the caller failed). */
  abort(): void {
    this.child.stdin.destroy();
    this.child.kill();
  }
}

/**
 * Runs the reader over `files` (path, bytes) in one python process. `files` is consumed while Python reads:
 * a generator that reads files from disk overlaps with Python's work. No files: no process. Throws when the
 * interpreter cannot run the reader.
 */
export async function readPython(files: Iterable<readonly [string, Uint8Array]>, python?: string, opts: Omit<PythonReaderOptions, "python"> = {}): Promise<PythonReading> {
  const it = files[Symbol.iterator]();
  let next = it.next();
  if (next.done) return { facts: [], stdlib: new Set() };
  const reader = PythonReader.start({ ...opts, python });
  try {
    for (; !next.done; next = it.next()) await reader.add(next.value[0], next.value[1]);
  } catch (e) {
    // The caller's files failed to read: no reading to wait for.
    reader.abort();
    throw e;
  }
  return reader.finish();
}

/** Resolves when `stream` drained or closed, removing both listeners (no leak over thousands of waits). */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.removeListener("drain", done);
      stream.removeListener("close", done);
      resolve();
    };
    stream.once("drain", done).once("close", done);
  });
}
