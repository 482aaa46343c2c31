import { airflowOutputs, resolveAirflowCommon, dagStoreUri, planAirflow, PlatformAirflow, variableNameProblems, variablesAsEnvironment, workerBoundsProblem } from "../../../modules/core/airflow";
import { AirflowConfigSchema } from "../../../environments/schemas/airflow-schema";

describe("Airflow contract helpers", () => {
  test("GIVEN Variables WHEN turned into the environment THEN AIRFLOW_VAR_<UPPER> names", () => {
    expect(variablesAsEnvironment({ transform_job: "t", bucket_raw: "r" })).toEqual({ AIRFLOW_VAR_TRANSFORM_JOB: "t", AIRFLOW_VAR_BUCKET_RAW: "r" });
  });

  test.each([["Bad"], ["1x"], ["a-b"], [""]])("GIVEN the Variable name %j WHEN checked THEN it is refused", (name) => {
    expect(variableNameProblems({ [name]: "v" })).toEqual([expect.stringContaining(`Airflow Variable name ${JSON.stringify(name)}`)]);
  });

  test.each([
    [1, 1, undefined],
    [2, 25, undefined],
    [0, 2, "got 0..2"],
    [3, 2, "got 3..2"],
    [1, 26, "got 1..26"],
    [1.5, 2, "got 1.5..2"],
  ])("GIVEN workers %d..%d WHEN checked THEN %s", (min, max, problem) => {
    const found = workerBoundsProblem(min, max);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  test.each([
    [{ kind: "s3", bucket: "b", prefix: "dags/" } as const, "s3://b/dags/"],
    [{ kind: "gcs", uri: "gs://c/dags" } as const, "gs://c/dags"],
    [{ kind: "azure-blob", accountName: "acct", container: "airflow-dags", prefix: "dags/" } as const, "https://acct.blob.core.windows.net/airflow-dags/dags/"],
  ])("GIVEN the DAG store %j WHEN rendered THEN %s", (store, uri) => {
    expect(dagStoreUri(store)).toBe(uri);
  });

  test("GIVEN an Airflow WHEN its outputs are named THEN the UI is console_airflow and the DAG store one URI", () => {
    const airflow: PlatformAirflow = {
      mode: "managed",
      dagStore: { kind: "s3", bucket: "b", prefix: "dags/" },
      uiUrl: "https://ui",
      links: [{ label: "UI", url: "https://ui" }, { label: "Console", url: "https://console" }],
      identity: "arn:aws:iam::1:role/x",
      variables: {},
    };
    expect(airflowOutputs(airflow)).toEqual({ console_airflow: "https://ui", console_airflow_2: "https://console", airflow_dag_store: "s3://b/dags/", airflow_identity: "arn:aws:iam::1:role/x" });
  });

  test.each([
    ["aws", "managed", { build: "mwaa" }],
    ["gcp", "managed", { build: "composer" }],
    ["azure", "managed", { build: "container-apps" }],
    ["azure", "self-hosted", { build: "container-apps" }],
    ["aws", "self-hosted", { build: "ecs-fargate" }],
    ["gcp", "self-hosted", { build: "cloud-run" }],
  ] as const)("GIVEN %s and mode %s WHEN planned THEN %j", (cloud, mode, plan) => {
    expect(planAirflow(cloud, mode)).toEqual(plan);
  });
});

describe("AirflowConfigSchema", () => {
  test("GIVEN nothing WHEN parsed THEN managed, small, 1..2 workers, no extra Variables", () => {
    expect(AirflowConfigSchema.parse({})).toEqual({ enabled: true, mode: "managed", size: "small", minWorkers: 1, maxWorkers: 2, variables: {} });
  });

  test.each([
    [{ mode: "serverless" }, "mode"],
    [{ minWorkers: 3, maxWorkers: 2 }, "maxWorkers"],
    [{ variables: { "Bad-Name": "x" } }, "variables.Bad-Name"],
    [{ workers: 3 }, ""],
  ])("GIVEN %j WHEN parsed THEN the problem is at %j", (input, field) => {
    const result = AirflowConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toContainEqual(field);
  });
});

describe("resolveAirflowCommon", () => {
  test("GIVEN no props WHEN resolved THEN the shared defaults apply and nothing is wrong", () => {
    expect(resolveAirflowCommon({})).toEqual({ resolved: { size: "small", minWorkers: 1, maxWorkers: 2, extraVariables: {} }, problems: [] });
  });

  test("GIVEN bad bounds, a reserved Variable and a cloud's own problem WHEN resolved THEN all three are listed, shared ones first", () => {
    const { problems } = resolveAirflowCommon({ minWorkers: 3, maxWorkers: 2, extraVariables: { mlops_x: "y" } }, [undefined, "own problem"]);
    expect(problems).toEqual([expect.stringContaining("got 3..2"), expect.stringContaining('uses the prefix "mlops_"'), "own problem"]);
  });
});
