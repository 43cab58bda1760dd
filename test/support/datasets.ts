/**
 * Where the tests and benchmarks find the shared data sets: `../shared/datasets/<name>` beside the repository
 * (how a developer's checkout and CI's clone are laid out), unless DEBIAN_DEV_DIR / DEBIAN_SCALE_DIR name the
 * folder, or GRAPHNODE_DATASETS_DIR the folder holding them all. The one place that knows this, so a clone
 * anywhere works.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type DatasetName = "debian-dev" | "debian-scale";

const OVERRIDE: Record<DatasetName, string> = {
  "debian-dev": "DEBIAN_DEV_DIR",
  "debian-scale": "DEBIAN_SCALE_DIR",
};

/** The repository's root: the nearest folder above this file (source or compiled) with a package.json. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

export function datasetDir(name: DatasetName, env: NodeJS.ProcessEnv = process.env): string {
  const own = env[OVERRIDE[name]];
  if (own) return resolve(own);
  const all = env.GRAPHNODE_DATASETS_DIR;
  return all ? resolve(all, name) : resolve(repositoryRoot(), "..", "shared", "datasets", name);
}
