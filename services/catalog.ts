import { mlflow } from "./mlflow";
import { modelApi } from "./model-api";
import { receiver } from "./receiver";
import { ServiceSpec } from "./service-spec";
import { transform } from "./transform";

/** Every workload of the platform, in deployment order. Add a service by adding its file and listing it here. */
export const SERVICE_CATALOG: readonly ServiceSpec[] = [receiver, mlflow, modelApi, transform];
