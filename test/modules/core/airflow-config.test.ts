/** The environment's `airflow` settings through the real config loader: a mode a deployed cloud cannot build is a config problem. */
import { validateEnvironments } from "../../../environments";
import devInput from "../../../environments/dev";
import { ConfigError, ConfigProblem } from "../../../modules/core/errors";

function problemsOf(change: (d: Record<string, any>) => void): readonly ConfigProblem[] {
  const data = JSON.parse(JSON.stringify(devInput)) as Record<string, any>;
  change(data);
  try {
    validateEnvironments([{ file: "environments/dev.ts", name: "dev", data }]);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("airflow config", () => {
  test("GIVEN dev as committed WHEN loaded THEN its Airflow is managed, small, 1..2 workers", () => {
    const [dev] = validateEnvironments([{ file: "environments/dev.ts", name: "dev", data: devInput }]);
    expect(dev.config.airflow).toEqual({ enabled: true, mode: "managed", size: "small", minWorkers: 1, maxWorkers: 2, variables: {} });
  });

  test("GIVEN self-hosted with aws, azure and gcp deployed WHEN loaded THEN it is accepted: one switch, every cloud builds it (Cloud Run on gcp)", () => {
    expect(problemsOf((d) => (d.airflow.mode = "self-hosted"))).toEqual([]);
    const data = JSON.parse(JSON.stringify(devInput)) as Record<string, any>;
    data.airflow.mode = "self-hosted";
    const [env] = validateEnvironments([{ file: "environments/dev.ts", name: "dev", data }]);
    expect(env.config.airflow?.mode).toBe("self-hosted");
    expect(Object.keys(env.config.clouds)).toEqual(expect.arrayContaining(["aws", "gcp"]));
  });

  test("GIVEN self-hosted on an AWS-only environment WHEN loaded THEN it is accepted (ECS Fargate runs it)", () => {
    const [env] = (() => {
      const data = JSON.parse(JSON.stringify(devInput)) as Record<string, any>;
      data.airflow.mode = "self-hosted";
      delete data.clouds.gcp;
      return validateEnvironments([{ file: "environments/dev.ts", name: "dev", data }]);
    })();
    expect(env.config.airflow?.mode).toBe("self-hosted");
  });

  test("GIVEN a mode outside the switch WHEN loaded THEN the problem lists both allowed values", () => {
    expect(problemsOf((d) => (d.airflow.mode = "serverless"))).toEqual([
      { file: "environments/dev.ts", field: "airflow.mode", expected: expect.stringMatching(/managed.*self-hosted/), found: '"serverless"' },
    ]);
  });

  test("GIVEN self-hosted on an Azure-only environment WHEN loaded THEN it is accepted (Azure always self-hosts)", () => {
    expect(problemsOf((d) => {
      d.airflow.mode = "self-hosted";
      delete d.clouds.aws;
      delete d.clouds.gcp;
    })).toEqual([]);
  });

  test("GIVEN self-hosted but Airflow turned off WHEN loaded THEN nothing is reported (nothing is built)", () => {
    expect(problemsOf((d) => (d.airflow = { enabled: false, mode: "self-hosted" }))).toEqual([]);
  });

  test("GIVEN an extra Variable with the platform's prefix WHEN loaded THEN the loader refuses it", () => {
    expect(problemsOf((d) => (d.airflow.variables = { mlops_cloud: "x" }))).toEqual([
      { file: "environments/dev.ts", field: "airflow.variables.mlops_cloud", expected: expect.stringContaining('not starting with "mlops_"'), found: expect.any(String) },
    ]);
  });
});
