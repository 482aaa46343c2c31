export * from "./aws-accepted-risks";
export * from "./azure-accepted-risks";
export * from "./gcp-accepted-risks";
