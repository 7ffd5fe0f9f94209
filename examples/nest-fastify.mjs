// A NestJS app on the Fastify platform. After app.init() the Fastify instance underneath is
// exported; corral awaits its ready() and serves its server.
//   npx corral examples/nest-fastify.mjs -w 2
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

class HelloController {
  hello() {
    return `Hello from worker ${process.pid}\n`;
  }
}
const hello = Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello');
Get()(HelloController.prototype, 'hello', hello);
Controller()(HelloController);

class AppModule {}
Module({ controllers: [HelloController] })(AppModule);

const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
await app.init();
export default app.getHttpAdapter().getInstance();
