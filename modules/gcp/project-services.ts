/**
 * The Google APIs the platform uses, enabled on the project (`google_project_service`). They are
 * never disabled on destroy: other workloads of the project may rely on them, and disabling an API
 * deletes its resources. Every other google_* resource of the stack waits for the API it needs
 * (see ApiDependencies), so a first apply on an empty project does not race the enablement.
 *
 * Cloud Resource Manager is enabled here: project IAM bindings (`google_project_iam_member`) call
 * it. Service Usage is a prerequisite, not managed here: `google_project_service` enables APIs
 * through serviceusage.googleapis.com, so a project where it is off cannot turn it on through
 * itself (projects created with gcloud or the console have it on; otherwise run
 * `gcloud services enable serviceusage.googleapis.com` once during bootstrap).
 *
 * It deliberately does not create the project, link billing or manage org policies.
 */
import { Construct } from "constructs";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";

/** The APIs every platform stack enables. */
export const PLATFORM_APIS = [
  "compute.googleapis.com",
  "servicenetworking.googleapis.com",
  "artifactregistry.googleapis.com",
  "run.googleapis.com",
  "secretmanager.googleapis.com",
  "sqladmin.googleapis.com",
  "monitoring.googleapis.com",
  "logging.googleapis.com",
  "eventarc.googleapis.com",
  "pubsub.googleapis.com",
  "workflows.googleapis.com",
  // Eventarc delivers to Workflows by creating executions through this API.
  "workflowexecutions.googleapis.com",
  "storage.googleapis.com",
  "iam.googleapis.com",
  // Project IAM bindings (getIamPolicy/setIamPolicy on the project).
  "cloudresourcemanager.googleapis.com",
  // Keyless CI (CiIdentity): token exchange and service account impersonation.
  "sts.googleapis.com",
  "iamcredentials.googleapis.com",
  "cloudkms.googleapis.com",
  "containerscanning.googleapis.com",
] as const;

export interface ProjectServicesProps {
  readonly projectId: string;
  /** APIs to enable. @default PLATFORM_APIS */
  readonly apis?: readonly string[];
}

/** Enables the APIs; `byApi` gives each one's resource for depends_on. */
export class ProjectServices extends Construct {
  readonly byApi: ReadonlyMap<string, ProjectService>;

  constructor(scope: Construct, id: string, props: ProjectServicesProps) {
    super(scope, id);
    const apis = props.apis ?? PLATFORM_APIS;
    const map = new Map<string, ProjectService>();
    for (const api of apis) {
      map.set(
        api,
        new ProjectService(this, api.split(".")[0], {
          project: props.projectId,
          service: api,
          disableOnDestroy: false,
          disableDependentServices: false,
        }),
      );
    }
    this.byApi = map;
  }
}
