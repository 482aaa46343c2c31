/**
 * An Aspect that makes each google_* resource, and each google_* data source, depend on the API it
 * is served by, so Terraform enables the API first (a data source that waits for an API being
 * enabled is read at apply, not at plan). Explicit per-resource depends_on in every module would be noisy and easy
 * to forget; one table keyed by resource type prefix keeps it in one place.
 */
import { IConstruct } from "constructs";
import { IAspect, TerraformDataSource, TerraformResource } from "cdktf";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { addressOf } from "./private/depends-on";

/** Resource type prefix -> API; the longest matching prefix wins. */
const API_OF_PREFIX: Readonly<Record<string, string>> = {
  google_compute_: "compute.googleapis.com",
  google_service_networking_: "servicenetworking.googleapis.com",
  google_artifact_registry_: "artifactregistry.googleapis.com",
  google_cloud_run_v2_: "run.googleapis.com",
  google_secret_manager_: "secretmanager.googleapis.com",
  google_sql_: "sqladmin.googleapis.com",
  google_monitoring_: "monitoring.googleapis.com",
  google_logging_: "logging.googleapis.com",
  google_eventarc_: "eventarc.googleapis.com",
  google_pubsub_: "pubsub.googleapis.com",
  google_workflows_: "workflows.googleapis.com",
  google_storage_: "storage.googleapis.com",
  google_service_account: "iam.googleapis.com",
  google_project_iam_: "cloudresourcemanager.googleapis.com",
  google_kms_: "cloudkms.googleapis.com",
};

/** Adds depends_on from google resources and data sources to the ProjectService of their API. */
export class ApiDependencies implements IAspect {
  constructor(private readonly byApi: ReadonlyMap<string, ProjectService>) {}

  visit(node: IConstruct): void {
    const isElement = TerraformResource.isTerraformResource(node) || node instanceof TerraformDataSource;
    if (!isElement || node instanceof ProjectService) return;
    const type = node.terraformResourceType;
    const prefix = Object.keys(API_OF_PREFIX)
      .filter((p) => type.startsWith(p))
      .sort((a, b) => b.length - a.length)[0];
    const api = prefix ? this.byApi.get(API_OF_PREFIX[prefix]) : undefined;
    if (!api) return;
    const dep = addressOf(api);
    const current = node.dependsOn ?? [];
    if (!current.includes(dep)) node.dependsOn = [...current, dep];
  }
}
