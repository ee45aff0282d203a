/** Loading the cluster backend's packages: a failure names the package and keeps the import's error. */
import { importClusterModules, loadClusterModules } from '../../dist/runtime/cluster/modules.js';

test('importClusterModules() names the package that failed and keeps the import error as the cause', async () => {
  const cause = new Error("Cannot find package 'ioredis'");
  const missing = importClusterModules((name) => (name === 'ioredis' ? Promise.reject(cause) : import(name)));
  await expect(missing).rejects.toThrow("The cluster backend needs the ioredis package, which could not be loaded (Cannot find package 'ioredis'). Install it beside multipool (npm install ioredis)");
  await expect(missing).rejects.toMatchObject({ cause });
});

test('loadClusterModules() loads bullmq and ioredis once and shares them', async () => {
  const modules = await loadClusterModules();
  expect(typeof modules.bullmq.Queue).toBe('function');
  expect(typeof modules.ioredis.Redis).toBe('function');
  expect(await loadClusterModules()).toBe(modules);
});
