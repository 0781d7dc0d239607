import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const nestCli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8'));
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));

/** nest-cli.json is what `nest build <project>` and editors read: it must describe the tree as it is. */
describe('nest-cli.json', () => {
  const projects = Object.entries(nestCli.projects as Record<string, { type: string; root: string; sourceRoot: string; entryFile: string }>);

  it('is a monorepo whose default project is the gateway', () => {
    expect(nestCli.monorepo).toBe(true);
    expect(nestCli.projects[nestCli.root.split('/').pop()].root).toBe(nestCli.root);
    expect(existsSync(join(root, nestCli.sourceRoot, `${nestCli.entryFile}.ts`))).toBe(true);
  });

  it('names every Nest app and every lib of the tree, and nothing else', () => {
    // apps/manager is the browser app (built by esbuild, served by the gateway), not a Nest project.
    const nestApps = readdirSync(join(root, 'apps')).filter((name) => existsSync(join(root, 'apps', name, 'src/main.ts')));
    expect(nestApps).not.toContain('manager');
    const onDisk = [
      ...nestApps.map((name) => `application:apps/${name}`),
      ...readdirSync(join(root, 'libs')).map((name) => `library:libs/${name}`),
    ].sort();
    expect(projects.map(([, p]) => `${p.type}:${p.root}`).sort()).toEqual(onDisk);
  });

  it("points each project at a source root and entry file that exist", () => {
    for (const [name, p] of projects) {
      expect([name, existsSync(join(root, p.sourceRoot, `${p.entryFile}.ts`))]).toEqual([name, true]);
      expect([name, p.sourceRoot]).toEqual([name, `${p.root}/src`]);
    }
  });

  it('agrees with the tsconfig path aliases (@gw/<lib> -> libs/<lib>/src)', () => {
    const libs = projects.filter(([, p]) => p.type === 'library');
    const aliases = Object.entries(tsconfig.compilerOptions.paths as Record<string, string[]>).map(([alias, [target]]) => `${alias}=${target}`);
    expect(aliases.sort()).toEqual(libs.map(([name, p]) => `@gw/${name}=${p.sourceRoot}`).sort());
  });
});
