/**
 * The API docs cannot drift: every public export has JSDoc (values with an
 * `@example`), and every `@example` in lib/ compiles against the built package.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function jsDocOf(declaration: ts.Declaration): readonly ts.JSDoc[] {
  // Variable statements carry the comment, not the declarator.
  const node = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  return (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
}

test('every public export has JSDoc, and every exported value has an @example', () => {
  const program = ts.createProgram([join(root, 'lib/index.ts')], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(join(root, 'lib/index.ts'));
  const moduleSymbol = index && checker.getSymbolAtLocation(index);
  if (!moduleSymbol) throw new Error('lib/index.ts has no module symbol');
  const missing: string[] = [];
  const exports = checker.getExportsOfModule(moduleSymbol);
  for (const exported of exports) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.declarations?.[0];
    if (!declaration) continue;
    const docs = jsDocOf(declaration);
    const isValue = (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Function | ts.SymbolFlags.Variable)) !== 0;
    if (docs.length === 0) missing.push(`${exported.name}: no JSDoc`);
    else if (isValue && !docs.some((doc) => doc.tags?.some((tag) => tag.tagName.text === 'example'))) missing.push(`${exported.name}: no @example`);
  }
  expect(exports.length).toBeGreaterThan(30);
  expect(missing).toEqual([]);
});

test('every @example in lib/ type-checks against the built package', () => {
  const out = join(root, '.doc-examples');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  const files: string[] = [];
  for (const file of sourceFiles(join(root, 'lib'))) {
    const text = readFileSync(file, 'utf8');
    const blocks = [...text.matchAll(/@example\s*\n((?:\s*\*.*\n)*?)\s*\*\/|@example\s*\n((?:\s*\*.*\n)*?)\s*\*\s*@/g)];
    blocks.forEach((block, i) => {
      const body = (block[1] ?? block[2] ?? '').split('\n').map((line) => line.replace(/^\s*\* ?/, '')).join('\n');
      const code = /```ts\n([\s\S]*?)```/.exec(body)?.[1];
      if (!code) throw new Error(`${file}: @example ${i + 1} has no \`\`\`ts block`);
      const name = join(out, `${file.slice(root.length).replace(/[/\\.]/g, '_')}_${i + 1}.ts`);
      writeFileSync(name, `${code}\nexport {};\n`);
      files.push(name);
    });
  }
  expect(files.length).toBeGreaterThan(20);
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.slice(out.length + 1) ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(diagnostics).toEqual([]);
  rmSync(out, { recursive: true, force: true });
});
