/**
 * One environment contract, checked both ways: for every workload of every platform stack (3 environments x 3
 * clouds), the variables and secrets the synthesized runtime passes (ECS container definitions, Container Apps
 * `template.container`, Cloud Run `containers`) are exactly the names the workload's image reads on that cloud
 * (images/<service>/.../settings.py: ENV_NAMES + CLOUD_ENV_NAMES[cloud] + the cloud's extras, printed by
 * images/env_names.py), minus the names the data trigger sets per run, which the triggers set and nothing else.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { RUNTIME_SET_ENV } from "../../modules/core/container-contract";
import { SERVICE_CATALOG } from "../../services/catalog";
import { sharedSynth } from "../support/shared-synth";
import { resources, ROOT, StackJson } from "../support/stack-json";

type Cloud = "aws" | "azure" | "gcp";
type ImageNames = Record<string, Record<Cloud, string[]> & { runtime: string[] }>;

const PYTHON = "/usr/bin/python3";

/**
 * Names an image reads that a stack deliberately does not pass on one cloud, with the reason. Each is read
 * as "absent" by the image, never as a default it would otherwise need.
 */
const NOT_PASSED: Readonly<Record<string, Partial<Record<Cloud, readonly string[]>>>> = {
  // IAM database auth through the Cloud SQL proxy: the image refuses a password there.
  mlflow: { gcp: ["DB_PASSWORD"] },
};

/** One container's variables: plain ones and the ones injected from a secret store (by reference). */
interface Passed {
  readonly plain: string[];
  readonly secret: string[];
}

function passed(json: StackJson, cloud: Cloud, env: string, service: string): Passed | undefined {
  const name = `mlops-${env}-${service}`;
  if (cloud === "aws") {
    const task = resources(json, "aws_ecs_task_definition").find((t) => t.family === name);
    if (!task) return undefined;
    const defs = JSON.parse(String(task.container_definitions)) as { name: string; environment?: { name: string }[]; secrets?: { name: string; valueFrom: string }[] }[];
    const c = defs.find((d) => d.name === service)!;
    return { plain: (c.environment ?? []).map((e) => e.name), secret: (c.secrets ?? []).map((e) => e.name) };
  }
  if (cloud === "azure") {
    const app = [...resources(json, "azurerm_container_app"), ...resources(json, "azurerm_container_app_job")].find((a) => a.name === name);
    if (!app) return undefined;
    const c = (app.template as { container: { name: string; env?: { name: string; value?: string; secret_name?: string }[] }[] }).container.find((x) => x.name === service)!;
    const vars = c.env ?? [];
    return { plain: vars.filter((e) => e.secret_name === undefined).map((e) => e.name), secret: vars.filter((e) => e.secret_name !== undefined).map((e) => e.name) };
  }
  const run = [...resources(json, "google_cloud_run_v2_service"), ...resources(json, "google_cloud_run_v2_job")].find((r) => r.name === name);
  if (!run) return undefined;
  type Container = { name: string; env?: { name: string; value?: string; value_source?: unknown }[] };
  const template = run.template as { containers?: Container[]; template?: { containers: Container[] } };
  const c = (template.containers ?? template.template!.containers).find((x) => x.name === "app")!;
  const vars = c.env ?? [];
  return { plain: vars.filter((e) => e.value_source === undefined).map((e) => e.name), secret: vars.filter((e) => e.value_source !== undefined).map((e) => e.name) };
}

const python = fs.existsSync(PYTHON);
if (!python) console.warn(`container-contract-both-ways: skipped, ${PYTHON} is missing (the images' settings modules are the source of the names)`);

(python ? describe : describe.skip)("the stacks pass exactly what the images read", () => {
  const images = JSON.parse(execFileSync(PYTHON, [path.join(ROOT, "images", "env_names.py")], { encoding: "utf8" })) as ImageNames;
  const built = sharedSynth();
  const platforms = built.stacks.filter((s) => /^(dev|staging|prod)-(aws|azure|gcp)$/.test(s.name));

  test("GIVEN the project THEN all 9 platform stacks are checked and every catalog workload has an image", () => {
    expect(platforms.map((s) => s.name).sort()).toHaveLength(9);
    expect(SERVICE_CATALOG.map((s) => s.name).filter((n) => !images[n])).toEqual([]);
  });

  test("GIVEN every workload of every stack THEN its variables and secrets are the names its image reads on that cloud", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { name: stack } of platforms) {
      const [env, cloud] = stack.split("-") as [string, Cloud];
      const json = built.json(stack);
      for (const spec of SERVICE_CATALOG) {
        const got = passed(json, cloud, env, spec.name);
        if (!got) {
          problems.push(`${stack}/${spec.name}: no runtime resource`);
          continue;
        }
        checked++;
        const all = [...got.plain, ...got.secret];
        const dupes = all.filter((n, i) => all.indexOf(n) !== i);
        const skip = new Set([...images[spec.name].runtime, ...(NOT_PASSED[spec.name]?.[cloud] ?? [])]);
        const reads = images[spec.name][cloud].filter((n) => !skip.has(n));
        const unread = all.filter((n) => !reads.includes(n)).sort();
        const missing = reads.filter((n) => !all.includes(n)).sort();
        if (unread.length || missing.length || dupes.length) {
          problems.push(`${stack}/${spec.name}: passed but not read [${unread.join(", ")}]; read but not passed [${missing.join(", ")}]${dupes.length ? `; twice [${dupes.join(", ")}]` : ""}`);
        }
        const runtimeInStack = all.filter((n) => images[spec.name].runtime.includes(n));
        if (runtimeInStack.length) problems.push(`${stack}/${spec.name}: sets the per-run names ${runtimeInStack.join(", ")} itself`);
        // A password is only ever injected by reference.
        if (got.plain.includes("DB_PASSWORD")) problems.push(`${stack}/${spec.name}: DB_PASSWORD is a plain value, not a secret reference`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBe(9 * SERVICE_CATALOG.length);
  });

  test("GIVEN the contract's runtime-set names THEN they are the names the images declare as set per run", () => {
    const declared = Object.fromEntries(Object.entries(images).filter(([, v]) => v.runtime.length > 0).map(([k, v]) => [k, v.runtime]));
    expect(Object.fromEntries(Object.entries(RUNTIME_SET_ENV).map(([k, v]) => [k, [...v].sort()]))).toEqual(declared);
  });

  test("GIVEN the data triggers THEN AWS and Google set exactly the per-run names (Azure reads its queue instead)", () => {
    for (const { name: stack } of platforms) {
      const [, cloud] = stack.split("-") as [string, Cloud];
      const json = built.json(stack);
      for (const spec of SERVICE_CATALOG.filter((s) => s.trigger)) {
        const runtime = images[spec.name].runtime;
        if (cloud === "aws") {
          const target = resources(json, "aws_cloudwatch_event_target").find((t) => String((t.input_transformer as { input_template?: string } | undefined)?.input_template ?? "").includes(spec.name));
          const template = JSON.parse(String((target!.input_transformer as { input_template: string }).input_template)) as { containerOverrides: { name: string; environment: { name: string }[] }[] };
          expect({ stack, names: template.containerOverrides[0].environment.map((e) => e.name).sort() }).toEqual({ stack, names: runtime });
        } else if (cloud === "gcp") {
          const workflow = resources(json, "google_workflows_workflow").find((w) => String(w.name).includes(`${spec.name}-on-arrival`));
          const names = [...String(workflow!.source_contents).matchAll(/- name: (\w+)/g)].map((m) => m[1]).sort();
          expect({ stack, names }).toEqual({ stack, names: runtime });
        } else {
          const job = resources(json, "azurerm_container_app_job").find((j) => String(j.name).endsWith(spec.name))!;
          const c = (job.template as { container: { env: { name: string; value?: string }[] }[] }).container[0];
          expect(c.env.find((e) => e.name === "EVENT_QUEUE_URL")?.value).toMatch(/\.primary_queue_endpoint\}\$\{azurerm_storage_queue\.[^}]+\.name\}$/);
        }
      }
    }
  });

  test("GIVEN the triggers THEN they watch raw/incoming/ in the raw bucket, where the receiver writes", () => {
    const transform = SERVICE_CATALOG.find((s) => s.name === "transform")!;
    expect(transform.trigger).toEqual({ bucket: "raw", prefix: "raw/incoming/" });
    const receiverApp = fs.readFileSync(path.join(ROOT, "images", "receiver", "receiver", "app.py"), "utf8");
    expect(receiverApp).toMatch(/raw\/incoming\//);
  });
});
