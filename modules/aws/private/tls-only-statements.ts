/**
 * The two statements every bucket policy of the platform starts with: no plain HTTP, no TLS below 1.2
 * (terraform-aws-s3-bucket's `attach_deny_insecure_transport_policy` + `attach_require_latest_tls_policy`).
 */
export function tlsOnlyStatements(bucketArn: string): Record<string, unknown>[] {
  const Resource = [bucketArn, `${bucketArn}/*`];
  return [
    { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource, Condition: { Bool: { "aws:SecureTransport": "false" } } },
    { Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource, Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
  ];
}
