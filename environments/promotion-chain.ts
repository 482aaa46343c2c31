/**
 * The promotion chain across environment files: models enter at the one direct environment and
 * move down `promotion.from` links (dev <- staging <- prod). A cycle or a second entry point
 * would let a change reach production without passing the environments before it.
 */
import { ConfigProblem } from "../modules/core/errors";
import type { LoadedEnvironment } from "./load";

/** Problems with the chain: more than one direct environment, or `promotion.from` links that loop. */
export function promotionChainProblems(loaded: readonly LoadedEnvironment[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const byName = new Map(loaded.map((l) => [l.config.name, l]));
  const direct = loaded.filter((l) => l.config.promotion.mode === "direct");
  for (const extra of direct.slice(1)) {
    problems.push({
      file: extra.file,
      field: "promotion.mode",
      expected: `"pull-request" with promotion.from (${direct[0].config.name} in ${direct[0].file} is the one direct environment)`,
      found: JSON.stringify("direct"),
    });
  }
  const reported = new Set<string>();
  for (const start of loaded) {
    // Follow the links; a name seen twice closes a loop. Links to unknown names are reported elsewhere.
    const path: string[] = [];
    let here: LoadedEnvironment | undefined = start;
    while (here && !path.includes(here.config.name) && here.config.promotion.mode !== "direct") {
      path.push(here.config.name);
      const from: string | undefined = here.config.promotion.from;
      here = from === undefined ? undefined : byName.get(from);
    }
    if (!here || here.config.promotion.mode === "direct") continue;
    const loop = path.slice(path.indexOf(here.config.name));
    for (const name of loop) {
      if (reported.has(name)) continue;
      reported.add(name);
      const env = byName.get(name)!;
      const i = loop.indexOf(name);
      const cycle = [...loop.slice(i), ...loop.slice(0, i), name].join(" <- ");
      problems.push({
        file: env.file,
        field: "promotion.from",
        expected: `a chain that ends at the direct environment${direct[0] ? ` (${direct[0].config.name})` : ""}, not a cycle`,
        found: `${JSON.stringify(env.config.promotion.from)} (${cycle})`,
      });
    }
  }
  return problems;
}
