// Runs a CDK TypeScript snippet from docs/prevention.md as a CDK app would run: TypeScript's own compiler turns it
// into JavaScript (a syntax error is reported and exits 1), and the program runs with the repository's aws-cdk-lib.
// With CDK_OUTDIR set, the App synthesizes into that folder when the program ends (aws-cdk-lib App: autoSynth
// defaults to true when CDK_OUTDIR is set), as under `cdk synth`.
// Usage: CDK_OUTDIR=DIR node TypeScriptSnippet.cjs SNIPPET.ts REPOSITORY_ROOT
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const [snippetPath, root] = process.argv.slice(2);
if (!snippetPath || !root || !process.env.CDK_OUTDIR) {
  console.error('TypeScriptSnippet.cjs: usage: CDK_OUTDIR=DIR node TypeScriptSnippet.cjs SNIPPET.ts REPOSITORY_ROOT');
  process.exit(2);
}
const fromRoot = Module.createRequire(path.join(root, 'package.json'));
let ts;
try {
  ts = fromRoot('typescript');
} catch (error) {
  console.error(`TypeScriptSnippet.cjs: typescript is not installed (npm ci installs it from package.json): ${error.message}`);
  process.exit(1);
}
const output = ts.transpileModule(fs.readFileSync(snippetPath, 'utf8'), {
  fileName: path.basename(snippetPath),
  reportDiagnostics: true,
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
});
if (output.diagnostics.length > 0) {
  console.error(ts.formatDiagnostics(output.diagnostics, {
    getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n',
  }));
  process.exit(1);
}
// Compiled as a module in the repository, so that its imports resolve to the repository's node_modules.
const snippet = new Module(path.join(root, 'snippet.js'));
snippet.filename = path.join(root, 'snippet.js');
snippet.paths = Module._nodeModulePaths(root);
snippet._compile(output.outputText, snippet.filename);
