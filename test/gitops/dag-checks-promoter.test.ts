/**
 * The promoter's validate step runs the DAG checks (gitops/dag-checks.ts) on what it would promote,
 * through the CLI's main() in-process: a DAG set Airflow would refuse is invalid input (exit 2, file and line, nothing
 * pushed); a heavy top-level import is a printed warning and the promotion goes on.
 */
import * as path from "path";
import { CliRun, cliInProcess } from "./cli-runner";
import { createRemote, ENV_DIR, makeSource, manifest, PROJECT_ROOT, remoteLog } from "./helpers";
const DAG = (id: string, extra = "") => `from airflow import DAG\n${extra}\nwith DAG(dag_id="${id}", schedule=None):\n    pass\n`;

function cli(args: string[]): Promise<CliRun> {
  return cliInProcess([...args, "--environments", ENV_DIR]);
}

describe("promoter: DAG checks in the validate step", () => {
  it("GIVEN two DAG files with the same dag_id and an undeclared import THEN exit 2 naming each file and line, and nothing is pushed", async () => {
    const remote = createRemote();
    const src = makeSource({ dags: { "a.py": DAG("etl"), "b.py": DAG("etl", "import yaml"), "requirements.txt": "requests\n" }, models: [manifest("model-api", "1")] });
    const r = await cli(["promote", "--source", src, "--env", "dev", "--repo", remote]);
    expect(r.code).toBe(2);
    const dags = `${path.relative(PROJECT_ROOT, src)}/dags`;
    expect(r.stderr).toContain(`${dags}/b.py: line 2: expected a module of the DAG set, of ${dags}/requirements.txt, of the standard library, or airflow, found import of "yaml"`);
    expect(r.stderr).toContain(`${dags}/b.py: line 3: expected a dag_id no other DAG defines (Airflow loads only one of them), found dag_id "etl", already defined in ${dags}/a.py line 3`);
    expect(remoteLog(remote)).toHaveLength(1);
  }, 60_000);

  it("GIVEN a heavy library imported at the top THEN the warning is printed with file and line and the promotion succeeds", async () => {
    const remote = createRemote();
    const src = makeSource({ dags: { "a.py": DAG("etl", "import pandas"), "requirements.txt": "pandas\n" }, models: [manifest("model-api", "1")] });
    const r = await cli(["promote", "--source", src, "--env", "dev", "--repo", remote]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`validate: warning: ${path.relative(PROJECT_ROOT, src)}/dags/a.py: line 2: expected heavy libraries imported inside the task that uses them`);
    expect(remoteLog(remote)).toHaveLength(2);
  }, 60_000);
});
