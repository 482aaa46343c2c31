/**
 * The CLI under careless input (issue 13: 14-19): one clear line and exit 2 for bad input, a JSON
 * document for every outcome with --json, paths relative to where the user ran npm, size limits before
 * anything is pushed, and Ctrl-C / SIGTERM removing the temporary clone. In-process through main()
 * (cli-runner.ts) except where the process is the point: --json as all of stdout, and the signals.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import { AddressInfo } from "net";
import * as path from "path";
import { CLI, CliRun, cliInProcess, cliProcess, TSX } from "./cli-runner";
import { createRemote, ENV_DIR, git, makeSource, manifest, PROJECT_ROOT, remoteLog, tmp } from "./helpers";

type Run = CliRun;

function cli(args: string[], opts: { env?: Record<string, string>; environments?: string | null; process?: boolean } = {}): Promise<Run> {
  const envArgs = opts.environments === null ? [] : ["--environments", opts.environments ?? ENV_DIR];
  return (opts.process ? cliProcess : cliInProcess)([...args, ...envArgs], { env: opts.env });
}

const errorLines = (r: Run) => r.stderr.split("\n").filter((l) => l.startsWith("error: "));

describe("bad input: one clear line, exit 2 (item 14)", () => {
  it.each([
    ["a missing --environments folder", () => path.join(tmp("envs"), "nope"), /^error: command line: --environments: expected a folder with one <name>.ts environment file per environment, found .*nope: no such file or folder$/],
    ["an empty --environments folder", () => tmp("envs"), /^error: command line: --environments: expected a folder with one <name>.ts environment file per environment, found .*: an empty folder$/],
  ])("GIVEN %s THEN exit 2 and one line", async (_n, dir, line) => {
    const r = await cli(["promote", "--source", makeSource({ dags: { "a.py": "x = 1\n" } }), "--env", "dev", "--repo", createRemote()], { environments: dir() });
    expect(r.code).toBe(2);
    expect(errorLines(r)).toEqual([expect.stringMatching(line)]);
  });

  it("GIVEN a DAG file name that is not UTF-8 THEN exit 2 showing its bytes", async () => {
    const src = makeSource({ dags: { "a.py": "x = 1\n" } });
    fs.writeFileSync(Buffer.concat([Buffer.from(path.join(src, "dags") + "/"), Buffer.from([0x62, 0xe4, 0x64, 0x2e, 0x70, 0x79])]), "y = 1\n");
    const r = await cli(["promote", "--source", src, "--env", "dev", "--repo", createRemote()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected file names in UTF-8 (git and Airflow read names as UTF-8), found a name that is not UTF-8: "b\uFFFDd.py" (bytes 62 e4 64 2e 70 79)');
  });

  it.each([
    ["a folder that is not a repository", () => tmp("notrepo"), /: a folder that is not a git repository$/],
    ["a path that does not exist", () => path.join(tmp("gone"), "x"), /: no such file or folder$/],
  ])("GIVEN --repo %s THEN exit 2 with the real reason", async (_n, repo, found) => {
    const r = await cli(["promote", "--source", makeSource({ dags: { "a.py": "x = 1\n" } }), "--env", "dev", "--repo", repo()]);
    expect(r.code).toBe(2);
    expect(errorLines(r)).toEqual([expect.stringMatching(/^error: command line: --repo: expected a git repository \(a URL or a local path\), found /)]);
    expect(errorLines(r)[0]).toMatch(found);
  });
});

describe("--json prints a JSON document for every outcome (item 15)", () => {
  // A usage error as a real process: commander's own exit path must leave only the document on stdout.
  it.each([
    ["a usage error (a real process)", ["promote", "--source", "x", "--repo", "y", "--json"], 2, true],
    ["a usage error", ["promote", "--source", "x", "--repo", "y", "--json"], 2, false],
    ["--source and --from-env together", ["promote", "--source", "x", "--from-env", "dev", "--env", "staging", "--repo", "y", "--json"], 2, false],
    ["a status that cannot clone", ["status", "--repo", "/nonexistent/repo", "--json"], 2, false],
    ["a bad --max-dag-file-mb", ["promote", "--source", "x", "--env", "dev", "--repo", "y", "--max-dag-file-mb", "ten", "--json"], 2, false],
  ])("GIVEN %s THEN stdout is one JSON document with the exit code", async (_n, args, code, asProcess) => {
    const r = await cli(args as string[], { process: asProcess as boolean });
    expect(r.code).toBe(code);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: code, outcome: "invalid-input", message: expect.any(String) });
  });

  it("GIVEN status --json that works THEN the document has exit code 0", async () => {
    const r = await cli(["status", "--repo", createRemote(), "--json"], { env: { GITHUB_TOKEN: "" }, process: true });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 0, outcome: "status", environments: expect.any(Array) });
  });
});

describe("relative paths are the user's (item 16)", () => {
  it("GIVEN INIT_CWD and relative --source and --repo THEN they resolve against INIT_CWD, not the project root", async () => {
    const remote = createRemote();
    const src = makeSource({ dags: { "a.py": "x = 1\n" } });
    const here = path.dirname(src);
    const r = await cli(["promote", "--source", path.basename(src), "--env", "dev", "--repo", path.relative(here, remote)], { env: { INIT_CWD: here } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(remoteLog(remote)).toHaveLength(2);
  });
});

describe("size limit for DAG files (item 18)", () => {
  it.each([
    ["over the default 10 MB", [], 11 * 1024 * 1024, /dags\/big.py: \(root\): expected a DAG file of at most 10 MB \(--max-dag-file-mb\), found 11 MB/],
    ["over --max-dag-file-mb 1", ["--max-dag-file-mb", "1"], 1.5 * 1024 * 1024, /dags\/big.py: \(root\): expected a DAG file of at most 1 MB \(--max-dag-file-mb\), found 1.5 MB/],
  ])("GIVEN a DAG file %s THEN exit 2 and nothing pushed", async (_n, flags, size, message) => {
    const remote = createRemote();
    const refs = git(remote, "show-ref");
    const src = makeSource({ dags: { "a.py": "x = 1\n" } });
    fs.writeFileSync(path.join(src, "dags", "big.py"), Buffer.alloc(size, 0x23));
    const r = await cli(["promote", "--source", src, "--env", "dev", "--repo", remote, ...(flags as string[])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(git(remote, "show-ref")).toBe(refs);
  });
});

describe("messages say what was found (item 19)", () => {
  it.each([
    ["a manifest with a byte order mark", (src: string) => fs.writeFileSync(path.join(src, "models", "model-api.json"), `\uFEFF${JSON.stringify(manifest("model-api", "1"))}`), "expected valid JSON in UTF-8 without a byte order mark, found a byte order mark (U+FEFF, bytes EF BB BF) before the JSON"],
    ["a metric of 1e999", (src: string) => fs.writeFileSync(path.join(src, "models", "model-api.json"), JSON.stringify(manifest("model-api", "1")).replace('"auc":0.8', '"auc":1e999')), "metrics.auc: expected a finite number, found Infinity (a JSON number this large, such as 1e999, overflows to it)"],
  ])("GIVEN %s THEN the message names it", async (_n, write, text) => {
    const src = makeSource({ models: [manifest("model-api", "1")] });
    write(src);
    const r = await cli(["promote", "--source", src, "--env", "dev", "--repo", createRemote()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(text);
  });

  it("GIVEN --source that is a file THEN it says a file, not 'no such folder'", async () => {
    const file = path.join(tmp("src"), "build.zip");
    fs.writeFileSync(file, "PK");
    const r = await cli(["promote", "--source", file, "--env", "dev", "--repo", createRemote()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/build.zip: \(root\): expected a folder with dags\/ and\/or models\/, found a file$/m);
  });
});

describe("Ctrl-C and SIGTERM remove the temporary clone (item 17)", () => {
  let server: net.Server;
  let sockets: net.Socket[];
  let port: number;
  beforeEach(async () => {
    // A git server that accepts and never answers: the clone hangs with its temp folder in place.
    sockets = [];
    server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  const waitFor = async (f: () => boolean, ms: number) => {
    for (const t0 = Date.now(); !f(); ) {
      if (Date.now() - t0 > ms) throw new Error("timed out waiting");
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("GIVEN a promotion cloning WHEN it gets %s THEN the temp clone is gone and it exits %i", async (signal, code) => {
    const tmpdir = tmp("promoter-tmp");
    const child: ChildProcess = spawn(TSX, [CLI, "promote", "--source", makeSource({ dags: { "a.py": "x = 1\n" } }), "--env", "dev", "--repo", `http://127.0.0.1:${port}/x.git`, "--environments", ENV_DIR], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TMPDIR: tmpdir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    const clones = () => fs.readdirSync(tmpdir).filter((d) => d.startsWith("mlops-promote-"));
    await waitFor(() => clones().length > 0 && sockets.length > 0, 30000);
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(stderr).toContain(`interrupted (${signal})`);
    expect(clones()).toEqual([]);
  }, 45000);
});
