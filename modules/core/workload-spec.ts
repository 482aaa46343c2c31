/**
 * The cloud-neutral description of one workload of the platform. Each cloud's runtime module
 * (ECS Fargate, Container Apps, Cloud Run) turns a ServiceSpec into its own resources. Lives in core
 * so modules depend on it without reaching up into services/ (the catalog re-exports it).
 */

/** The data buckets of the platform: the seeds' DVC remotes plus MLflow's artifact store. */
export const BUCKET_PURPOSES = ["raw", "processed", "viz", "mlflow-artifacts"] as const;
export type BucketPurpose = (typeof BUCKET_PURPOSES)[number];

/** How a workload may use a bucket; anything not named is denied. */
export type BucketAccess = "read" | "read-write";

/** `public` is reachable through the cloud's API edge (still authenticated where `auth` says so); `internal` only inside the network. */
export type Ingress = "public" | "internal";

/** `jwt`: the edge rejects requests without a valid token from the platform's identity provider. */
export type AuthMode = "none" | "jwt";

/** A long-running HTTP service or a run-to-completion job. */
export type WorkloadKind = "service" | "job";

/** Routes a public service exposes at the API edge. */
export interface RouteSpec {
  /** Path prefix at the edge, like `/model`. */
  readonly prefix: string;
  /** Paths under the prefix that only the `admins` group may call (the seeds' retrain). @default - none */
  readonly adminPaths?: readonly string[];
}

/** One workload of the platform. */
export interface ServiceSpec {
  /** Kebab-case name; also the registry repository and the manifest name of a model. */
  readonly name: string;
  readonly kind: WorkloadKind;
  readonly description: string;
  /** Image used when no promoted manifest names a digest. */
  readonly defaultImageTag: string;
  /** Container port (services only). */
  readonly port?: number;
  readonly cpuMillicores: 250 | 500 | 1000 | 2000 | 4000;
  readonly memoryMiB: number;
  /** HTTP path answering 200 when healthy (services only). */
  readonly healthPath?: string;
  readonly ingress: Ingress;
  readonly auth: AuthMode;
  readonly routes?: RouteSpec;
  /** Plain, non-secret settings. */
  readonly env: Readonly<Record<string, string>>;
  /** Names of secrets the workload reads, injected as env vars by reference (never as values). */
  readonly secrets: readonly string[];
  /** Instance bounds; environments override them. */
  readonly scaling: { readonly min: number; readonly max: number; readonly targetCpuPercent: number };
  readonly buckets: Readonly<Partial<Record<BucketPurpose, BucketAccess>>>;
  /** Gets the MLflow backend store's connection settings and password. @default false */
  readonly usesDatabase?: boolean;
  /** A job started when an object lands under this bucket prefix. */
  readonly trigger?: { readonly bucket: BucketPurpose; readonly prefix: string };
  readonly command?: readonly string[];
}

/** A ServiceSpec after the environment's overrides, with the image it will run. */
export interface ResolvedService extends ServiceSpec {
  readonly scaling: { readonly min: number; readonly max: number; readonly targetCpuPercent: number };
  /** Image reference without registry host: `tag:<tag>` or `digest:sha256:...` from a promoted manifest. */
  readonly image: ImageRef;
}

/** Which image a workload runs: the configured tag, or a digest a promotion pinned. */
export type ImageRef =
  | {
      readonly kind: "tag";
      readonly tag: string;
      /** True when the environment pinned the tag (`services.<name>.imageTag`), false for the catalog default. */
      readonly pinned?: boolean;
    }
  | { readonly kind: "digest"; readonly digest: string; readonly version: string; readonly source: string };
