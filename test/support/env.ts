/**
 * The shared test services that the test command (scripts/test.mjs) starts once per run and hands to every
 * test file through environment variables. Outside `npm test`, `node scripts/services.mjs` starts the same
 * services and prints the variables to export.
 */

/** The URL in `variable` (trailing slashes removed), or undefined when it is unset or empty. */
export function sharedServiceUrl(variable: string): string | undefined {
  const value = process.env[variable]?.trim();
  return value ? value.replace(/\/+$/, "") : undefined;
}

/** True when the run asked to do without a service (`SKIP_<NAME>=1`, for quick local runs only). */
export function skipRequested(variable: string): boolean {
  return process.env[variable] === "1";
}

/** The error for a service the run should have provided: says how to get it, or how to skip it. */
export function missingServiceError(service: string, urlVariable: string, skipVariable: string): Error {
  return new Error(
    `${urlVariable} is not set, so there is no ${service} to test against. Run the tests with \`npm test\` ` +
      `(it starts ${service}), or start the services with \`node scripts/services.mjs\` and export what it ` +
      `prints, or set ${skipVariable}=1 to skip the ${service} cases.`,
  );
}
