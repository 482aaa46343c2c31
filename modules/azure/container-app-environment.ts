/**
 * The Container Apps environment: bound to the VNet's delegated apps subnet (workload-profile
 * environment, Consumption profile), mutual TLS between apps, zone redundant when asked. Console
 * and system logs go through Azure Monitor (`logs_destination = "azure-monitor"` plus a diagnostic
 * setting into the Log Analytics workspace, resource-specific tables), not the "log-analytics"
 * destination: that one ingests with the workspace shared key, which the workspace refuses
 * (`local_authentication_enabled = false`), so logs would be dropped without an error. External ingress is allowed (the environment's load balancer is
 * public) because the catalog has public services; apps whose spec says `internal` get internal
 * ingress and are reachable only inside the environment and the VNet.
 *
 * Deliberately not created: dedicated workload profiles, custom domains and certificates, Dapr,
 * storage mounts.
 */
import { Construct } from "constructs";
import { ContainerAppEnvironment as ContainerAppEnvironmentResource } from "@cdktf/provider-azurerm/lib/container-app-environment";
import { Naming } from "../core/naming";
import { addDiagnostics } from "./private/diagnostics";
import type { Network } from "./network";

export interface ContainerAppEnvironmentProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly network: Network;
  /** Log Analytics workspace the environment's diagnostic setting sends console and system logs to. */
  readonly logWorkspaceId: string;
  /** Spread replicas across zones (needs a /23 or larger subnet, which Network provides). @default false */
  readonly zoneRedundant?: boolean;
  /** Only a private load balancer: no app can be public. @default false */
  readonly internalOnly?: boolean;
}

/** The environment every app and job of the platform runs in. */
export class ContainerAppEnvironment extends Construct {
  readonly environment: ContainerAppEnvironmentResource;
  readonly environmentId: string;
  /** Workload profile every app uses. */
  readonly workloadProfileName = "Consumption";

  constructor(scope: Construct, id: string, props: ContainerAppEnvironmentProps) {
    super(scope, id);
    const zoneRedundant = props.zoneRedundant ?? false;
    const internalOnly = props.internalOnly ?? false;
    const n = props.naming;
    this.environment = new ContainerAppEnvironmentResource(this, "env", {
      name: n.name("cae"),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      infrastructureSubnetId: props.network.appsSubnet.id,
      infrastructureResourceGroupName: n.name("cae", "infra"),
      internalLoadBalancerEnabled: internalOnly,
      zoneRedundancyEnabled: zoneRedundant,
      logsDestination: "azure-monitor",
      mutualTlsEnabled: true,
      workloadProfile: [{ name: this.workloadProfileName, workloadProfileType: "Consumption" }],
    });
    this.environmentId = this.environment.id;
    const diagnostics = addDiagnostics(this, "diagnostics", this.environment.id, props.logWorkspaceId);
    // ContainerAppConsoleLogs / ContainerAppSystemLogs tables rather than the shared AzureDiagnostics one.
    if (diagnostics) diagnostics.logAnalyticsDestinationType = "Dedicated";
  }
}
