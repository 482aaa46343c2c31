/** The workload vocabulary lives in modules/core (modules may not import services/); the catalog re-exports it. */
export * from "../modules/core/workload-spec";
