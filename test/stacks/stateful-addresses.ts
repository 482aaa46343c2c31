/**
 * The resource types whose Terraform address must never change without a `moved` block: they hold
 * data, keys, images or an identity something else trusts. Destroy-and-recreate loses what they hold.
 */
export const STATEFUL_TYPES: Readonly<Record<"aws" | "azure" | "gcp", readonly string[]>> = {
  aws: [
    "aws_s3_bucket", "aws_db_instance", "aws_ecr_repository", "aws_kms_key", "aws_kms_alias", "aws_secretsmanager_secret",
    "aws_cognito_user_pool", "aws_iam_openid_connect_provider", "aws_iam_role", "aws_cloudwatch_log_group",
    // Airflow's metadata database (DAG runs, task history, connections) lives inside the environment.
    "aws_mwaa_environment",
  ],
  azure: [
    "azurerm_resource_group", "azurerm_storage_account", "azurerm_storage_container", "azurerm_storage_queue",
    "azurerm_postgresql_flexible_server", "azurerm_postgresql_flexible_server_database", "azurerm_container_registry",
    "azurerm_key_vault", "azurerm_key_vault_secret", "azurerm_user_assigned_identity", "azurerm_log_analytics_workspace",
    "azurerm_application_insights",
  ],
  gcp: [
    "google_storage_bucket", "google_sql_database_instance", "google_sql_database", "google_artifact_registry_repository",
    "google_kms_key_ring", "google_kms_crypto_key", "google_secret_manager_secret", "google_service_account",
    "google_iam_workload_identity_pool", "google_iam_workload_identity_pool_provider", "google_pubsub_topic",
    // Airflow's metadata database and its bucket (DAGs, logs) live inside the environment.
    "google_composer_environment",
  ],
};

/** `type.name` of every stateful resource in a synthesized stack, sorted. */
export function statefulAddresses(json: { resource?: Record<string, Record<string, unknown>> }, cloud: keyof typeof STATEFUL_TYPES): string[] {
  return STATEFUL_TYPES[cloud].flatMap((type) => Object.keys(json.resource?.[type] ?? {}).map((name) => `${type}.${name}`)).sort();
}
