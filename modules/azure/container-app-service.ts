/**
 * One long-running service of the catalog as an Azure Container App: image from ACR pulled with the
 * registry's managed identity, its own managed identity for data and secrets, CPU/memory at
 * Container Apps' 1:2 ratio, plain env plus secrets as Key Vault references (never values),
 * ingress external or internal per spec (HTTPS only), liveness/readiness/startup probes on the
 * health path, min/max replicas with an HTTP concurrency rule and a CPU rule, single revision mode.
 *
 * Authentication (`auth: "jwt"`): azurerm 4.55 has no resource for Container Apps built-in auth
 * (EasyAuth lives only in the ARM API, which AVM reaches through azapi), so the API performs the
 * JWT check itself against Entra ID: the app gets the contract's AUTH_ISSUER (the tenant's v2.0
 * issuer), AUTH_AUDIENCE (`api://<app name>` unless given), AUTH_JWKS_URI, and AUTH_ADMIN_PATHS with
 * AUTH_ADMIN_CLAIM=roles, AUTH_ADMIN_VALUES=admins (modules/core/container-contract.ts). An app without those variables set must refuse
 * to start; that contract is the image's, and the tests assert the variables are present.
 *
 * Who reaches it: an external app (`ingress: "public"`) answers on the Internet, restricted to
 * `ingressAllowedRanges` when given (one `Allow` ingress IP security restriction each; with any Allow rule
 * Container Apps denies every other address; azurerm v4.55.0
 * internal/services/containerapps/helpers/container_apps.go `ContainerAppIngressIpSecurityRestriction`:
 * action Allow|Deny, ip_address_range a CIDR or address, name non-empty). The subnet's NSG cannot do this
 * for an external workload-profiles environment (network.ts). An internal app answers only inside the
 * environment's VNet, to every app of the environment (they share one subnet, so no IP rule tells them
 * apart): an internal service that must not be called by every workload needs its own authentication.
 *
 * Deliberately not created: custom domains, Dapr, traffic splitting between revisions.
 * The image is owned by Terraform (from the promoted manifest), so there is no ignore_changes on it.
 */
import { Construct } from "constructs";
import { ContainerApp } from "@cdktf/provider-azurerm/lib/container-app";
import { PlatformWorkload } from "../core/contracts";
import type { ResolvedService } from "../core/workload-spec";
import { ValidationError } from "../core/errors";
import type { ContainerAppEnvironment } from "./container-app-environment";
import { containerBasics, WorkloadWiring, Workload, prepareWorkload } from "./private/workload";

export interface ContainerAppServiceProps extends WorkloadWiring {
  readonly spec: ResolvedService;
  readonly environment: ContainerAppEnvironment;
  readonly tenantId: string;
  /** Token audience for `auth: "jwt"`. @default `api://<app name>` */
  readonly authAudience?: string;
  /** Public CIDRs (or addresses) allowed to call an external app. @default [] (any address; the app still checks its token) */
  readonly ingressAllowedRanges?: readonly string[];
  /** Concurrent requests per replica before scaling out. @default 50 */
  readonly concurrentRequestsPerReplica?: number;
}

/** A Container App for one ServiceSpec of kind `service`. */
export class ContainerAppService extends Construct implements PlatformWorkload {
  readonly kind = "service" as const;
  readonly app: ContainerApp;
  readonly name: string;
  readonly workload: Workload;
  /** Public endpoint, or undefined for internal services. */
  readonly publicUrl?: string;
  /** The ingress FQDN (inside the environment for internal apps). */
  readonly fqdn: string;

  constructor(scope: Construct, id: string, props: ContainerAppServiceProps) {
    super(scope, id);
    const spec = props.spec;
    const concurrency = props.concurrentRequestsPerReplica ?? 50;
    if (spec.kind !== "service") throw new ValidationError(`${spec.name} is a ${spec.kind}; use ContainerAppJob for jobs`, this);
    if (spec.port === undefined || spec.healthPath === undefined) {
      throw new ValidationError(`${spec.name}: a service needs port and healthPath; got port ${spec.port}, healthPath ${JSON.stringify(spec.healthPath)}`, this);
    }
    if (spec.scaling.max < 1 || spec.scaling.min > spec.scaling.max || spec.scaling.max > 300) {
      throw new ValidationError(`${spec.name}: replicas must satisfy 0 <= min <= max <= 300 and max >= 1; got ${spec.scaling.min}..${spec.scaling.max}`, this);
    }
    const name = props.naming.bounded(32, spec.name);
    this.name = spec.name;
    this.workload = prepareWorkload(this, spec, props, {
      issuer: `https://login.microsoftonline.com/${props.tenantId}/v2.0`,
      audience: props.authAudience ?? `api://${name}`,
      jwksUri: `https://login.microsoftonline.com/${props.tenantId}/discovery/v2.0/keys`,
      adminClaim: "roles",
      adminValues: ["admins"],
    });
    const w = this.workload;
    const env = [...w.env];
    const probe = { transport: "HTTP", port: spec.port, path: spec.healthPath };
    const allowed = spec.ingress === "public" ? (props.ingressAllowedRanges ?? []) : [];
    for (const range of allowed) {
      if (!/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(range)) {
        throw new ValidationError(`${spec.name}: ingressAllowedRanges entries must be IPv4 CIDRs or addresses; got ${JSON.stringify(range)}`, this);
      }
    }

    this.app = new ContainerApp(this, "app", {
      name,
      resourceGroupName: props.resourceGroupName,
      containerAppEnvironmentId: props.environment.environmentId,
      workloadProfileName: props.environment.workloadProfileName,
      revisionMode: "Single",
      maxInactiveRevisions: 5,
      identity: { type: "UserAssigned", identityIds: w.identityIds },
      registry: [w.registry],
      secret: w.secrets.length > 0 ? w.secrets : undefined,
      ingress: {
        externalEnabled: spec.ingress === "public",
        targetPort: spec.port,
        transport: "auto",
        allowInsecureConnections: false,
        trafficWeight: [{ latestRevision: true, percentage: 100 }],
        ipSecurityRestriction: allowed.length
          ? allowed.map((range, i) => ({ name: `allow-${i + 1}`, action: "Allow", ipAddressRange: range, description: "clouds.azure.ingressAllowedRanges" }))
          : undefined,
      },
      template: {
        minReplicas: spec.scaling.min,
        maxReplicas: spec.scaling.max,
        container: [
          {
            ...containerBasics(spec, w, env),
            livenessProbe: [{ ...probe, initialDelay: 10, intervalSeconds: 15, failureCountThreshold: 3 }],
            readinessProbe: [{ ...probe, intervalSeconds: 10, failureCountThreshold: 3 }],
            startupProbe: [{ ...probe, intervalSeconds: 5, failureCountThreshold: 30 }],
          },
        ],
        httpScaleRule: [{ name: "http-concurrency", concurrentRequests: String(concurrency) }],
        customScaleRule: [
          { name: "cpu", customRuleType: "cpu", metadata: { type: "Utilization", value: String(spec.scaling.targetCpuPercent) } },
        ],
      },
      // Key Vault references and AcrPull are checked when a revision is created: grant, and let RBAC propagate, first.
      dependsOn: [...w.grants, w.propagation.sleep],
    });
    this.fqdn = this.app.ingress.fqdn;
    this.publicUrl = spec.ingress === "public" ? `https://${this.fqdn}` : undefined;
  }
}
