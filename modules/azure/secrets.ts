/**
 * The platform's Key Vault and the secrets Terraform generates. RBAC authorization only (no access
 * policies), purge protection and soft delete, firewall default Deny with a private endpoint, audit
 * logs to Log Analytics.
 *
 * Generated secrets never reach the Terraform state or the synthesized JSON: each is an ephemeral
 * `random_password` (hashicorp/random >= 3.7, Terraform >= 1.11) written with the write-only
 * `value_wo` argument; bump `version` to rotate. Write-only consumers (the database password) read
 * the value back through an ephemeral `azurerm_key_vault_secret` pinned to the written version.
 * Other consumers get Key Vault references
 * (`versionlessId`) and the `Key Vault Secrets User` role on that one secret, never the value.
 * The deployer (the identity running Terraform) gets `Key Vault Secrets Officer` on the vault so it
 * can write them; RBAC takes up to a few minutes to propagate, so a first apply may need a retry.
 *
 * Deliberately not created: keys, certificates, secret expiry dates (generated secrets are rotated
 * by version, and an expired database password would stop MLflow), an HSM-backed SKU.
 */
import { Construct } from "constructs";
import { TerraformStack, Token } from "cdktf";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { ValidationError } from "../core/errors";
import type { PlatformSecrets } from "../core/contracts";
import { Naming } from "../core/naming";
import { addDiagnostics } from "./private/diagnostics";
import { globalName } from "./private/names";
import { addPrivateEndpoint } from "./private/private-endpoint";
import type { Network } from "./network";

export interface SecretsProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly tenantId: string;
  /** Seed for the globally unique vault name (the subscription id). */
  readonly uniqueSeed: string;
  /** Days a deleted vault or secret can be recovered (7-90). @default 90 */
  readonly softDeleteRetentionDays?: number;
  /** Network for the private endpoint. @default - no private endpoint */
  readonly network?: Network;
  /** Public CIDRs allowed through the firewall (deployer, CI). @default [] */
  readonly allowedIpRanges?: readonly string[];
  /** @default - no diagnostic setting */
  readonly logWorkspaceId?: string;
}

/** A Key Vault secret apps reference. */
export interface StoredSecret {
  readonly secret: KeyVaultSecret;
  /** Key Vault reference without version, for Container Apps `key_vault_secret_id`. */
  readonly reference: string;
}

/** A secret whose value Terraform generated and wrote write-only. */
export interface GeneratedSecret extends StoredSecret {
  /**
   * The stored value as an ephemeral Terraform expression (read back from Key Vault), for other
   * write-only arguments (e.g. the database's `administrator_password_wo`). Never use it in a normal argument.
   */
  readonly ephemeralValue: string;
  readonly version: number;
}

/** Options of a generated secret. */
export interface GenerateOptions {
  /** Characters. @default 40 */
  readonly length?: number;
  /** Bump to rotate (every write-only consumer must take the same version). @default 1 */
  readonly version?: number;
}

const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** Key Vault, the deployer's role, and generated secrets. */
export class Secrets extends Construct implements PlatformSecrets {
  readonly vault: KeyVault;
  readonly vaultUri: string;
  /** The deployer's Secrets Officer role on the vault: anything that writes secrets (Airflow's) waits for it. */
  readonly deployerRole: RoleAssignment;
  private readonly generated = new Map<string, GeneratedSecret>();
  private randomProviderDeclared = false;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    const retention = props.softDeleteRetentionDays ?? 90;
    const allowed = props.allowedIpRanges ?? [];
    if (!Number.isInteger(retention) || retention < 7 || retention > 90) {
      throw new ValidationError(`softDeleteRetentionDays must be 7 to 90; got ${retention}`, this);
    }
    this.vault = new KeyVault(this, "vault", {
      name: globalName(props.naming, 24, props.uniqueSeed, "kv"),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tenantId: props.tenantId,
      skuName: "standard",
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: retention,
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      publicNetworkAccessEnabled: true, // the ACL below denies by default
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [...allowed] },
    });
    this.vaultUri = this.vault.vaultUri;

    // The identity running Terraform: read from the provider's credentials, no API call at plan.
    const deployer = new DataAzurermClientConfig(this, "deployer", {});
    this.deployerRole = new RoleAssignment(this, "deployer-secrets-officer", {
      scope: this.vault.id,
      roleDefinitionName: "Key Vault Secrets Officer",
      principalId: deployer.objectId,
    });

    if (props.network) {
      addPrivateEndpoint(this, "endpoint", {
        network: props.network,
        name: props.naming.name("kv", "pe"),
        location: props.location,
        resourceGroupName: props.resourceGroupName,
        resourceId: this.vault.id,
        subresource: "vault",
        dnsZone: "privatelink.vaultcore.azure.net",
      });
    }
    addDiagnostics(this, "diagnostics", this.vault.id, props.logWorkspaceId, ["audit"]);
  }

  /**
   * A secret generated by Terraform (ephemeral, write-only: not in state). Calling it again with the
   * same name returns the same secret.
   */
  /** The secrets generated for workloads so far. */
  get names(): readonly string[] {
    return [...this.generated.keys()];
  }

  generate(name: string, opts: GenerateOptions = {}): GeneratedSecret {
    const existing = this.generated.get(name);
    if (existing) return existing;
    const length = opts.length ?? 40;
    const version = opts.version ?? 1;
    if (!SECRET_NAME.test(name)) {
      throw new ValidationError(`secret name must be 1-127 letters, digits and hyphens; got ${JSON.stringify(name)}`, this);
    }
    if (!Number.isInteger(length) || length < 16) throw new ValidationError(`secret length must be at least 16; got ${length}`, this);
    const stack = TerraformStack.of(this);
    if (!this.randomProviderDeclared) {
      // cdktf 0.21 has no ephemeral-resource construct and no prebuilt random package: raw JSON, pinned.
      stack.addOverride("terraform.required_providers.random", { source: "hashicorp/random", version: "~> 3.7" });
      this.randomProviderDeclared = true;
    }
    const local = `${this.node.id}_${name}`.replace(/[^a-zA-Z0-9_]/g, "_");
    // Alphanumerics only: the value goes into connection strings and headers unescaped.
    stack.addOverride(`ephemeral.random_password.${local}`, { length, special: false, min_upper: 2, min_lower: 2, min_numeric: 2 });
    const ephemeralValue = `\${ephemeral.random_password.${local}.result}`;
    const secret = new KeyVaultSecret(this, `secret-${name}`, {
      name,
      keyVaultId: this.vault.id,
      valueWo: ephemeralValue,
      valueWoVersion: version,
      contentType: "generated by terraform (write-only)",
      dependsOn: [this.deployerRole],
    });
    // Consumers read the value back from Key Vault (ephemeral, after the secret exists) instead of
    // sharing the generator: a retried or partial apply would otherwise hand them a fresh random value
    // while the vault keeps the first, and the database and its secret would disagree.
    // `version` pins the read to the version this apply wrote. It also orders the read: Terraform
    // opens an ephemeral resource at plan as soon as its arguments are known and ignores depends_on
    // (hashicorp/terraform#37270), so with name and vault id alone a secret added to an existing
    // stack is read before it exists and the plan fails. The version stays unknown until written.
    stack.addOverride(`ephemeral.azurerm_key_vault_secret.${local}`, {
      name,
      key_vault_id: this.vault.id,
      version: secret.version,
    });
    const storedValue = `\${ephemeral.azurerm_key_vault_secret.${local}.value}`;
    const g: GeneratedSecret = { secret, reference: secret.versionlessId, ephemeralValue: storedValue, version };
    this.generated.set(name, g);
    return g;
  }

  /**
   * Stores a value another resource produces (e.g. a connection string attribute) as a secret, so
   * apps reference it from Key Vault. Only Terraform expressions are accepted, never literals.
   */
  storeReference(name: string, valueExpression: string): StoredSecret {
    if (!SECRET_NAME.test(name)) {
      throw new ValidationError(`secret name must be 1-127 letters, digits and hyphens; got ${JSON.stringify(name)}`, this);
    }
    if (!Token.isUnresolved(valueExpression)) {
      throw new ValidationError(`secret ${name} must be a reference to another resource's attribute, not a literal value`, this);
    }
    const secret = new KeyVaultSecret(this, `secret-${name}`, {
      name,
      keyVaultId: this.vault.id,
      value: valueExpression,
      contentType: "reference",
      dependsOn: [this.deployerRole],
    });
    return { secret, reference: secret.versionlessId };
  }

  /** Lets a managed identity read one secret (`Key Vault Secrets User` scoped to that secret). */
  allowRead(id: string, principalId: string, secret: KeyVaultSecret): RoleAssignment {
    return new RoleAssignment(this, id, {
      scope: secret.resourceVersionlessId,
      roleDefinitionName: "Key Vault Secrets User",
      principalId,
      principalType: "ServicePrincipal",
    });
  }
}
