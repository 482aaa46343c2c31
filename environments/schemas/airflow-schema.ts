/**
 * (In `environments/schemas/`, not `environments/`: the loader takes every `environments/*.ts`
 * except schema, load and index as an environment file.)
 *
 * The environment config of Airflow, as a zod schema the integrator plugs into `schema.ts`
 * (`airflow: AirflowConfigSchema.optional()` at the environment level, or per cloud). One switch,
 * `mode`, picks the managed service or the self-hosted official image; size and worker bounds use
 * one vocabulary that each cloud maps to its own (MWAA environment class, Composer environment size).
 */
import { z } from "zod";
import { AIRFLOW_MODES, AIRFLOW_SIZES, RESERVED_PREFIX } from "../../modules/core/airflow";

/** Variable names: what Airflow accepts as `AIRFLOW_VAR_<NAME>` after upper-casing. */
const variableName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, "a name of lowercase letters, digits and underscores, starting with a letter")
  .refine((n) => !n.startsWith(RESERVED_PREFIX), `a name not starting with "${RESERVED_PREFIX}" (reserved for the platform's own Variables)`);

export const AirflowConfigSchema = z
  .object({
    /** Turn Airflow off for this environment. */
    enabled: z.boolean().default(true),
    /** "managed" (MWAA, Cloud Composer 3; Azure has none and always self-hosts) or "self-hosted". */
    mode: z.enum(AIRFLOW_MODES).default("managed"),
    /** small | medium | large: mw1.small/medium/large on MWAA, ENVIRONMENT_SIZE_* on Composer, container sizes self-hosted. */
    size: z.enum(AIRFLOW_SIZES).default("small"),
    minWorkers: z.number().int().min(1).max(25).default(1),
    maxWorkers: z.number().int().min(1).max(25).default(2),
    /** Extra Airflow Variables for the DAGs (the platform's own are always set). */
    variables: z.record(variableName, z.string()).default({}),
  })
  .strict()
  .refine((a) => a.minWorkers <= a.maxWorkers, { message: "minWorkers must not exceed maxWorkers", path: ["maxWorkers"] });

export type AirflowConfig = z.infer<typeof AirflowConfigSchema>;
