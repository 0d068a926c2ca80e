// Compiles a CDK TypeScript snippet from docs/prevention.md to JavaScript with TypeScript's own compiler, as a CDK
// app's build would: a syntax error is reported and exits 1. The test then runs the JavaScript with node.
// Usage: node TypeScriptSnippet.cjs SNIPPET.ts OUTPUT.js REPOSITORY_ROOT   (typescript from the repository's npm ci)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const [snippetPath, outputPath, root] = process.argv.slice(2);
if (!snippetPath || !outputPath || !root) {
  console.error('TypeScriptSnippet.cjs: usage: node TypeScriptSnippet.cjs SNIPPET.ts OUTPUT.js REPOSITORY_ROOT');
  process.exit(2);
}
let ts;
try {
  ts = createRequire(path.join(root, 'package.json'))('typescript');
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
fs.writeFileSync(outputPath, output.outputText);
