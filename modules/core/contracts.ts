/**
 * Cloud-neutral contracts: what each cloud's modules expose to the stacks and the synth summary.
 * Stacks program against these, not against one cloud's classes.
 */
import type { BucketPurpose } from "../../services/service-spec";

/** A labelled link into a cloud console, printed in the synth summary and exported as an output. */
export interface ConsoleLink {
  readonly label: string;
  readonly url: string;
}

/** What a network module exposes. */
export interface PlatformNetwork {
  readonly networkId: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly cidr: string;
}

/** What a registry module exposes: where each service's images live. */
export interface PlatformRegistry {
  /** Repository address without tag or digest, e.g. `<acct>.dkr.ecr.<region>.amazonaws.com/mlops-dev/model-api`. */
  repositoryUrl(service: string): string;
}

/** What an object-storage module exposes. */
export interface PlatformBuckets {
  bucketName(purpose: BucketPurpose): string;
}

/** What a container runtime exposes per service. */
export interface PlatformService {
  readonly name: string;
  /** Public endpoint (API edge URL with the route prefix), or undefined for internal services. */
  readonly publicUrl?: string;
}

/** What a monitoring module exposes. */
export interface PlatformMonitoring {
  readonly links: readonly ConsoleLink[];
}
