/** The Variable names the stacks set and the DAGs read are one list: DAG_VARIABLES against dags/mlops_platform/variables.py. */
import { DAG_VARIABLES, dagVariableNames, variableNameProblems } from "../../../modules/core/airflow";
import { dagConstantVariables, dagTableVariables } from "../../support/dag-variables";

describe("Airflow Variables shared by the stacks and the DAGs", () => {
  test.each(["aws", "azure", "gcp"] as const)("GIVEN %s WHEN the construct list is compared with the DAGs' table THEN they hold the same names", (cloud) => {
    expect(dagVariableNames(cloud).sort()).toEqual(dagTableVariables(cloud).sort());
  });

  test("GIVEN the DAG code's constants WHEN compared with every cloud's list THEN each constant is set on some cloud and nothing else is", () => {
    const all = [...new Set(Object.values(DAG_VARIABLES).flat())].sort();
    expect(dagConstantVariables().sort()).toEqual(all);
  });

  test("GIVEN an extra Variable with the platform's prefix WHEN checked THEN it is refused (it would shadow a platform Variable)", () => {
    expect(variableNameProblems({ mlops_cloud: "x" })).toEqual([expect.stringContaining('uses the prefix "mlops_"')]);
    expect(variableNameProblems({ model_name: "x" })).toEqual([]);
  });
});
