/**
 * Maps the catalog's Fargate-shaped sizes to what Cloud Run accepts: CPU in whole vCPUs for the
 * second-generation environment (fractions below 1 need the first generation and concurrency 1),
 * raised when the memory asks for more (over 4 GiB needs 2 vCPU, over 8 GiB 4, over 16 GiB 6,
 * over 24 GiB 8), memory as `<n>Mi`.
 */
export interface CloudRunSize {
  readonly cpu: string;
  readonly memory: string;
}

/** The Cloud Run limits for a workload of `millicores` and `memoryMiB`. */
export function cloudRunSize(millicores: number, memoryMiB: number): CloudRunSize {
  let cpu = Math.max(1, Math.ceil(millicores / 1000));
  const floors: [number, number][] = [
    [24 * 1024, 8],
    [16 * 1024, 6],
    [8 * 1024, 4],
    [4 * 1024, 2],
  ];
  for (const [above, minCpu] of floors) {
    if (memoryMiB > above) {
      cpu = Math.max(cpu, minCpu);
      break;
    }
  }
  return { cpu: String(cpu), memory: `${Math.max(512, memoryMiB)}Mi` };
}
