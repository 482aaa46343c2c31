import { mlflow } from "./mlflow";
import { modelApi } from "./model-api";
import { receiver } from "./receiver";
import { ServiceSpec } from "./service-spec";
import { train } from "./train";
import { transform } from "./transform";

/**
 * Every workload of the platform, in deployment order. Add a service by adding its file and listing it here.
 * train comes before model-api: the model API's environment names the train job (TRAIN_JOB and, on AWS, where to run it).
 */
export const SERVICE_CATALOG: readonly ServiceSpec[] = [receiver, mlflow, train, modelApi, transform];
