import { createMeshApp } from './app';
import { readConfig } from './config';

async function main(): Promise<void> {
  const config = readConfig();
  const app = await createMeshApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port, '0.0.0.0');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
