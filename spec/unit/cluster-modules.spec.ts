/** Loading the cluster backend's packages: a failure names the package and is not remembered. */
import { loadClusterModules } from '../../dist/runtime/cluster/modules.js';

test('loadClusterModules() names the package that failed, keeps the cause, and tries again on the next call', async () => {
  const cause = new Error("Cannot find package 'ioredis'");
  const missing = loadClusterModules((name) => (name === 'ioredis' ? Promise.reject(cause) : import(name)));
  await expect(missing).rejects.toThrow("The cluster backend needs the ioredis package, which could not be loaded (Cannot find package 'ioredis'). Install it beside multipool (npm install ioredis)");
  await expect(missing).rejects.toMatchObject({ cause });
  const modules = await loadClusterModules();
  expect(typeof modules.bullmq.Queue).toBe('function');
  expect(typeof modules.ioredis.Redis).toBe('function');
  // Loaded once: later calls share the same modules.
  expect(await loadClusterModules()).toBe(modules);
});
