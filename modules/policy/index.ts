export * from "./rule";
export * from "./suppressions";
export * from "./policy-aspect";
export * from "./core-pack";
export * from "./accepted-risk";
