import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { zipDirectory } from "../../../modules/core/zip";

describe("zipDirectory", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zip-src-"));
  fs.writeFileSync(path.join(dir, "index.mjs"), "export const handler = async (e) => e;\n".repeat(20));
  fs.writeFileSync(path.join(dir, "README"), "hello");

  test("GIVEN a folder WHEN zipped twice THEN the bytes are identical (no timestamps leak in)", () => {
    expect(zipDirectory(dir).equals(zipDirectory(dir))).toBe(true);
  });

  test("GIVEN the archive WHEN read by python's zipfile THEN every file comes back intact", () => {
    const zip = path.join(dir, "..", `${path.basename(dir)}.zip`);
    fs.writeFileSync(zip, zipDirectory(dir));
    const out = execFileSync("python3", ["-c", "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print(sorted((i.filename,len(z.read(i))) for i in z.infolist()))", zip], { encoding: "utf8" });
    expect(out.trim()).toBe("[('README', 5), ('index.mjs', 780)]");
  });
});
