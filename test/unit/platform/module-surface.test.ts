import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(import.meta.dirname, '../../../src');

/** The names a file exports, by syntax alone; `export * from` followed into the module's own files. */
function exportedNames(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  return source.statements.flatMap((statement): string[] => {
    if (ts.isExportDeclaration(statement)) {
      if (statement.exportClause && ts.isNamedExports(statement.exportClause)) {
        return statement.exportClause.elements.map((element) => element.name.text);
      }
      if (statement.exportClause) return [statement.exportClause.name.getText(source)];
      const from = statement.moduleSpecifier;
      if (!from || !ts.isStringLiteral(from) || !from.text.startsWith('.')) return [];
      return exportedNames(path.resolve(path.dirname(file), from.text.replace(/\.js$/, '.ts')));
    }
    const exported = ts.canHaveModifiers(statement)
      ? ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : false;
    if (!exported) return [];
    if (ts.isVariableStatement(statement)) {
      return statement.declarationList.declarations.map((d) => d.name.getText(source));
    }
    const named = statement as ts.Statement & { name?: ts.Identifier };
    return named.name ? [named.name.text] : [];
  });
}

/** Every name each module's index.ts exports, by module. */
function exportsOfIndexes(): Map<string, string[]> {
  return new Map(
    readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(SRC, entry.name, 'index.ts')))
      .map((entry) => [entry.name, exportedNames(path.join(SRC, entry.name, 'index.ts'))]),
  );
}

describe('the public surface of each module (src/*/index.ts)', () => {
  // Issue 16 (item 11): a repository is its module's own. Other modules ask its services, or name a
  // port by the operations they need (triage's `TriageStore`, which intake's repository fills).
  it('when the indexes are read, then none exports a repository', () => {
    const exported = exportsOfIndexes();
    expect(exported.get('incidents'), 'the incidents index was read').to.include('IncidentService');
    const repositories = [...exported].flatMap(([module, names]) =>
      names.filter((name) => name.endsWith('Repository')).map((name) => `${module}/${name}`),
    );
    expect(repositories).to.deep.equal([]);
  });
});
