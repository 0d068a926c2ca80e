// Runs cdk-nag (AwsSolutions pack) over the templates in cdk.out, read back through cloudformation-include
// (the C# app cannot use cdk-nag v3 directly: docs/decisions/0004-cdk-offline-synth.md). Every finding must be fixed or acknowledged in
// infra/nag/acknowledgements.json with a written reason; anything else fails (exit 1).
// Usage: npx cdk synth && npm run nag   (optional arguments: cloud assembly directories, default cdk.out; one
// process for several assemblies saves loading aws-cdk-lib and cdk-nag again for each)
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks } from 'cdk-nag';

const here = dirname(fileURLToPath(import.meta.url));
const assemblies = process.argv.length > 2 ? process.argv.slice(2) : ['cdk.out'];
for (const assembly of assemblies) {
  if (!existsSync(join(assembly, 'manifest.json'))) {
    console.error(`nag: ${join(assembly, 'manifest.json')} not found; run "npx cdk synth" first`);
    process.exit(2);
  }
}

const acknowledgements = JSON.parse(readFileSync(join(here, 'acknowledgements.json'), 'utf8'));
for (const a of acknowledgements) {
  if (!a.stack || !a.resource || !a.id || typeof a.reason !== 'string' || a.reason.trim().length < 20) {
    console.error(`nag: acknowledgement ${JSON.stringify(a)} needs stack, resource, id and a reason of at least 20 characters`);
    process.exit(2);
  }
}

/** The stacks of a cloud assembly: name and template file. */
function stacksOf(assembly) {
  const manifestFile = join(assembly, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const stacks = Object.entries(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([name, artifact]) => ({ name, templateFile: join(assembly, artifact.properties.templateFile) }));
  if (stacks.length === 0) {
    console.error(`nag: no stacks in ${manifestFile}`);
    process.exit(2);
  }
  return stacks;
}

/** Loads a template into a fresh app and acknowledges the given findings (rule id per logical id). */
function load(stackName, templateFile, acknowledged = []) {
  const app = new App();
  const stack = new Stack(app, stackName);
  const included = new CfnInclude(stack, 'Included', { templateFile });
  for (const { logicalId, rule, reason } of acknowledged) {
    Validations.of(included.getResource(logicalId)).acknowledge({ id: rule, reason });
  }
  return app;
}

function findings(app, stackName) {
  const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      rule: v.ruleName,
      severity: v.severity,
      logicalId: r.constructPath.split('/').at(-1),
      description: v.description,
    })));
}

// An acknowledgement names a stack pattern, a logical-id pattern and a rule-id pattern (both anchored regular
// expressions, so that hashes in logical ids and configured names in ARNs do not need copies per deployment).
const full = (pattern) => new RegExp(`^(?:${pattern})$`);
const matches = (a, stackName, f) => full(a.stack).test(stackName) && full(a.resource).test(f.logicalId) && full(a.id).test(f.rule);

/** Checks one assembly; prints its findings and summary; returns the number of open findings. */
function check(assembly) {
  const stacks = stacksOf(assembly);
  let total = 0;
  let open = 0;
  const used = new Set();
  for (const { name, templateFile } of stacks) {
    const all = findings(load(name, templateFile), name);
    total += all.length;
    const acknowledged = [];
    for (const f of all) {
      const a = acknowledgements.find((x) => matches(x, name, f));
      if (a) {
        used.add(a);
        acknowledged.push({ logicalId: f.logicalId, rule: f.rule, reason: a.reason });
      }
    }
    // Second pass with the acknowledgements registered the way cdk-nag reads them (Validations.of().acknowledge).
    const remaining = findings(load(name, templateFile, acknowledged), name);
    open += remaining.length;
    for (const f of remaining) {
      console.log(`nag: ${f.severity.toUpperCase()} ${f.rule} at ${name}/${f.logicalId}: ${f.description}`);
    }
  }
  const stale = acknowledgements.filter((a) => stacks.some((s) => full(a.stack).test(s.name)) && !used.has(a));
  for (const a of stale) {
    console.log(`nag: note: acknowledgement of /${a.id}/ on ${a.stack}/${a.resource} matched no finding in this assembly`);
  }
  console.log(`nag: ${total} findings, ${total - open} suppressed with reasons${open ? `, ${open} open` : ''} (${stacks.map((s) => s.name).join(', ')})`);
  return open;
}

let open = 0;
for (const assembly of assemblies) {
  if (assemblies.length > 1) console.log(`== ${assembly}`);
  open += check(assembly);
}
process.exit(open > 0 ? 1 : 0);
