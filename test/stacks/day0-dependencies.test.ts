/**
 * Issue 15, day 0: on the synthesized dev and prod stacks of each cloud, the dependency graph (references and
 * depends_on, test/support/terraform-graph.ts) shows that the first apply depends on nothing that does not exist
 * yet. The foundation targets (scripts/day0-foundation.ts, what `npm run day0` applies first) hold every
 * registry, CI identity and secret container and create no workload; every workload runs an image the day-0
 * sequence pushed before the full apply (its own registry and the tag images.yml pushes there:
 * images/<service>/RELEASE) or one pinned by digest.
 */
import * as fs from "fs";
import * as path from "path";
import { CLOUDS, CloudName, loadEnvironments } from "../../environments";
import { databaseTargets, foundationTargets } from "../../scripts/day0-foundation";
import { imagePlan, readReleaseTag } from "../../scripts/list-images";
import { SERVICE_CATALOG } from "../../services/catalog";
import { TerraformGraph, tokenReferences } from "../support/terraform-graph";
import { sharedSynth } from "../support/shared-synth";
import { ROOT, StackJson } from "../support/stack-json";

const ENVS = ["dev", "prod"] as const;

/** What runs: nothing of this may be created by the foundation apply (it would start without its image). */
const WORKLOAD_TYPES: Record<CloudName, readonly string[]> = {
  aws: ["aws_ecs_service", "aws_ecs_task_definition", "aws_cloudwatch_event_target", "aws_lambda_function", "aws_mwaa_environment"],
  azure: ["azurerm_container_app", "azurerm_container_app_job", "azurerm_container_app_environment"],
  gcp: ["google_cloud_run_v2_service", "google_cloud_run_v2_job", "google_eventarc_trigger", "google_workflows_workflow", "google_composer_environment"],
};

/**
 * Public third-party images a workload may run by tag: published by their vendor in the vendor's own registry, so
 * nothing in day 0 builds or pushes them and they exist before the first apply. Exact references only, each
 * with why; the platform's own images (images/<service>) never qualify: they come from the stack's registry.
 */
const PUBLIC_THIRD_PARTY_IMAGES: Readonly<Record<string, string>> = {
  "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.15.2":
    "Cloud SQL Auth Proxy sidecar of MLflow on Cloud Run: Google publishes it in its public cloud-sql-connectors registry",
};

/** The registry resource of each cloud. */
const REGISTRY: Record<CloudName, string> = { aws: "aws_ecr_repository", azure: "azurerm_container_registry", gcp: "google_artifact_registry_repository" };
const SECRET_CONTAINER: Record<CloudName, string> = { aws: "aws_secretsmanager_secret", azure: "azurerm_key_vault", gcp: "google_secret_manager_secret" };

/** CI identities, found independently of the code under test: the identities GitHub federation trusts. */
function ciIdentities(cloud: CloudName, g: TerraformGraph): string[] {
  if (cloud === "aws") {
    // The trust policy names the provider by ARN (`oidc-provider/<host>`), a literal: match the provider's URL.
    const hosts = g.ofType("aws_iam_openid_connect_provider").map((p) => String(g.nodes.get(p)!.body.url).replace(/^https:\/\//, ""));
    expect(hosts.length).toBe(1);
    return g.ofType("aws_iam_role").filter((r) => hosts.some((h) => String(g.nodes.get(r)!.body.assume_role_policy).includes(`:oidc-provider/${h}"`)));
  }
  if (cloud === "azure") return [...new Set(g.ofType("azurerm_federated_identity_credential").flatMap((c) => tokenReferences(g.nodes.get(c)!.body.parent_id)))];
  return [
    ...new Set(
      g
        .ofType("google_service_account_iam_binding", "google_service_account_iam_member")
        .filter((b) => g.nodes.get(b)!.body.role === "roles/iam.workloadIdentityUser")
        .flatMap((b) => tokenReferences(g.nodes.get(b)!.body.service_account_id)),
    ),
  ];
}

/** Each workload's container images, with the workload's address. */
function workloadImages(cloud: CloudName, g: TerraformGraph): { workload: string; image: string }[] {
  const out: { workload: string; image: string }[] = [];
  const add = (workload: string, containers: unknown) => {
    for (const c of (Array.isArray(containers) ? containers : []) as { image?: string }[]) if (c.image) out.push({ workload, image: c.image });
  };
  for (const a of g.ofType(...WORKLOAD_TYPES[cloud])) {
    const b = g.nodes.get(a)!.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (cloud === "aws" && typeof b.container_definitions === "string") add(a, JSON.parse(b.container_definitions));
    if (cloud === "azure") {
      add(a, b.template?.container);
      add(a, b.template?.init_container);
    }
    if (cloud === "gcp") add(a, (b.template?.template ?? b.template)?.containers);
  }
  return out;
}

/** Registry address prefix -> registry resource, for images written as literals (Artifact Registry). */
function registryOf(cloud: CloudName, g: TerraformGraph, image: string): { registry?: string; service?: string; tag?: string } {
  if (cloud === "aws") {
    // `${aws_ecr_repository.x.repository_url}:tag`: the service is the repository's last path segment.
    const whole = /^\$\{(aws_ecr_repository\.[A-Za-z0-9_-]+)\.repository_url\}:([^/@]+)$/.exec(image);
    if (!whole) return {};
    const name = String(g.nodes.get(whole[1])?.body.name ?? "");
    return { registry: whole[1], service: name.split("/").pop(), tag: whole[2] };
  }
  const m = /^(.*)\/([a-z0-9-]+):([^/@]+)$/.exec(image);
  if (!m) return {};
  const [, prefix, service, tag] = m;
  const refs = tokenReferences(prefix).filter((r) => r.startsWith(`${REGISTRY[cloud]}.`));
  if (refs.length === 1) return { registry: refs[0], service, tag };
  const literal = g.ofType(REGISTRY[cloud]).find((r) => {
    const b = g.nodes.get(r)!.body;
    return cloud === "gcp" && prefix === `${b.location}-docker.pkg.dev/${b.project}/${b.repository_id}`;
  });
  return { registry: literal, service, tag };
}

describe("day 0: the first apply needs nothing that does not exist yet", () => {
  const built = sharedSynth();
  const envs = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT });
  const plan = imagePlan(
    envs,
    SERVICE_CATALOG.map((s) => s.name),
    (s) => fs.existsSync(path.join(ROOT, "images", s, "Dockerfile")),
    (s) => readReleaseTag(ROOT, s),
  );
  /** The tags images.yml pushes into an environment's registries, per service (build rows and mirror rows). */
  const pushed = (env: string, service: string) => [...plan.build, ...plan.mirror].filter((t) => t.env === env && t.service === service && t.releaseTag).map((t) => t.releaseTag);

  test("GIVEN images.yml WHEN it copies a build into a later environment THEN the copy steps also push the release tag list-images gives them", () => {
    const wf = fs.readFileSync(path.join(ROOT, ".github", "workflows", "images.yml"), "utf8");
    const mirror = wf.slice(wf.indexOf("\n  mirror:"), wf.indexOf("\n  promote:"));
    expect(mirror.match(/RELEASE_TAG: \$\{\{ matrix\.releaseTag \}\}/g)?.length).toBe(2);
    expect(mirror).toContain(`"docker://$dst:$RELEASE_TAG"`);
    expect(mirror).toContain(`--image "$SERVICE:$RELEASE_TAG"`);
    expect(plan.mirror.find((t) => t.service === "mlflow")?.releaseTag).toBe(readReleaseTag(ROOT, "mlflow"));
  });

  const cases = ENVS.flatMap((env) => CLOUDS.map((cloud) => [`${env}-${cloud}`, env, cloud] as const));

  const usedThirdParty = new Set<string>();
  afterAll(() => {
    // No stale exception: every listed image is run by some workload of the stacks checked here.
    expect(Object.keys(PUBLIC_THIRD_PARTY_IMAGES).filter((i) => !usedThirdParty.has(i))).toEqual([]);
  });

  describe.each(cases)("%s", (stack, env, cloud) => {
    const json: StackJson = built.json(stack);
    const g = new TerraformGraph(json);
    const targets = foundationTargets(cloud, json);
    const applied = g.closure(targets);

    test("GIVEN the foundation targets WHEN compared with the stack THEN every registry, CI identity and secret container is one", () => {
      const ci = ciIdentities(cloud, g);
      expect(ci.length).toBe(3); // publisher, builder, developer
      const wanted = [...g.ofType(REGISTRY[cloud]), ...ci, ...g.ofType(SECRET_CONTAINER[cloud])];
      expect(g.ofType(REGISTRY[cloud]).length).toBeGreaterThan(0);
      expect(targets).toEqual(expect.arrayContaining(wanted));
    });

    test("GIVEN the foundation apply WHEN Terraform adds what the targets depend on THEN no workload or runtime resource is created", () => {
      const workloads = g.ofType(...WORKLOAD_TYPES[cloud]);
      expect(workloads.length).toBeGreaterThan(0);
      expect([...applied].filter((a) => workloads.includes(a))).toEqual([]);
      // Nor by the database apply, which runs before MLflow's role exists: only the migration job that makes it
      // (the resource the database_migration_job output names: a pinned public image, no platform workload).
      const migrationJob = tokenReferences(json.output?.database_migration_job?.value);
      expect(migrationJob).toHaveLength(1);
      // On Azure the job brings the Container Apps environment it runs in (the apps' environment, none of the apps).
      const runsIn = (a: string) => cloud === "azure" && a.startsWith("azurerm_container_app_environment.");
      expect([...g.closure(databaseTargets(cloud, json))].filter((a) => workloads.includes(a) && !runsIn(a))).toEqual(migrationJob);
    });

    test("GIVEN the foundation apply WHEN the hand-over reads the CI outputs THEN Terraform has written them (every resource they name was applied)", () => {
      const read = cloud === "gcp" ? ["ci_builder", "ci_developer", "ci_publisher", "ci_workload_identity_provider"] : cloud === "azure" ? ["ci_builder", "ci_developer", "ci_publisher", "registry_login_server"] : ["ci_builder", "ci_developer", "ci_publisher"];
      for (const name of read) {
        const value = json.output?.[name]?.value;
        expect(value).toBeDefined();
        expect(tokenReferences(value).filter((r) => !applied.has(r))).toEqual([]);
      }
    });

    test("GIVEN every workload WHEN its images are read THEN each is pinned by digest, or is its own foundation registry's image at the tag images.yml pushes there", () => {
      const images = workloadImages(cloud, g);
      expect(images.length).toBeGreaterThan(0);
      const unprovided = images.flatMap(({ workload, image }) => {
        if (/@sha256:[0-9a-f]{64}$/.test(image)) return [];
        if (image in PUBLIC_THIRD_PARTY_IMAGES) {
          usedThirdParty.add(image);
          // Strict for the platform's own images: a listed image must not be one of this stack's registries.
          const { registry } = registryOf(cloud, g, image);
          return registry ? [`${workload}: ${image} (listed as third-party, but it is in ${registry})`] : [];
        }
        const { registry, service, tag } = registryOf(cloud, g, image);
        if (!registry || !service || !tag) return [`${workload}: ${image} (neither by digest nor in a registry of the stack)`];
        if (!targets.includes(registry)) return [`${workload}: ${image} (its registry is not created by the foundation apply)`];
        const tags = pushed(env, service);
        return tags.includes(tag) ? [] : [`${workload}: ${image} (images.yml pushes ${tags.length > 0 ? tags.join(", ") : "no release tag"} for ${service} into ${env})`];
      });
      expect(unprovided).toEqual([]);
    });
  });
});
