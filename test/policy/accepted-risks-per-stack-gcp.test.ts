/** gcp: the accepted scanner ids of each environment's stack, from the synth summary, against the checked-in list. */
import { acceptedLines, expectedLines, synthCloud, writeExpected } from "./support/accepted-ids";

const { summaries, errors } = synthCloud("gcp");
/** Every environment's platform stack and the state stack its backend names. */
const STACKS = ["dev", "staging", "prod"].flatMap((env) => [`${env}-gcp`, `${env}-gcp-state`]);

test("GIVEN the project's environments WHEN the gcp stacks are synthesized THEN policy passes (accepted risks are all in use)", () => {
  expect(errors).toEqual([]);
  expect(summaries.map((s) => s.name).sort()).toEqual(STACKS.slice().sort());
});

test.each(STACKS)("GIVEN %s THEN its accepted scanner ids are exactly test/policy/accepted-risks/%s.txt", (stack) => {
  const lines = acceptedLines(summaries.find((s) => s.name === stack)!);
  const expected = expectedLines(stack);
  if (expected === undefined) writeExpected(stack, lines);
  else expect(lines).toEqual(expected);
});
