import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

import { MeshConfig } from './config';
import { MeshModule } from './mesh.module';

/** The service, initialized (caught up with the event stream) but not yet listening. */
export async function createMeshApp(config: MeshConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(MeshModule.forRoot(config), new FastifyAdapter(), {
    logger: ['error', 'warn', 'log'],
  });
  await app.init();
  return app;
}
