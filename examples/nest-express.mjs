// A NestJS app on its default Express platform. The decorators are called as functions, so the
// file runs as plain JavaScript; in TypeScript they are the usual @Controller() and @Get().
// After app.init() the app's http.Server is exported without listening, and corral serves it.
//   npx corral examples/nest-express.mjs -w 2
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

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

const app = await NestFactory.create(AppModule, { logger: false });
await app.init();
export default app.getHttpServer();
