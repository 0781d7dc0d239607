import { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AUTH_MODE, type AuthMode } from '@gw/common';

const NOTE: Record<AuthMode, string> = {
  public: 'No API key needed.',
  global: 'Needs the global API key (AUTHENTICATION_API_KEY).',
  instance: "Needs the global API key or this instance's token.",
  'scoped-list': 'The global API key sees every instance; an instance token sees only its own.',
};

/** The auth mode of every controller method, keyed like Swagger's default operationId (Controller_method). */
function authModes(app: INestApplication): Map<string, AuthMode> {
  const modes = new Map<string, AuthMode>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const classMode = Reflect.getMetadata(AUTH_MODE, controller) as AuthMode | undefined;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        if (method === 'constructor') continue;
        const handler = (controller.prototype as Record<string, unknown>)[method];
        const mode = (typeof handler === 'function' && (Reflect.getMetadata(AUTH_MODE, handler) as AuthMode | undefined)) || classMode;
        modes.set(`${controller.name}_${method}`, mode ?? 'instance');
      }
    }
  }
  return modes;
}

/**
 * The guard decides from @Public/@GlobalKeyOnly/@ScopedList; the document says the same thing, read from
 * the same metadata: public routes get `security: []`, and every operation says which key it needs.
 */
export function documentRouteAuth(app: INestApplication, document: OpenAPIObject): void {
  const modes = authModes(app);
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem)) {
      if (!operation || typeof operation !== 'object' || !('operationId' in operation)) continue;
      const mode = modes.get(String(operation.operationId));
      // A route with its own guard says so itself (@ApiSecurity and its description, e.g. /metrics).
      if (!mode || operation.security?.length) continue;
      if (mode === 'public') operation.security = [];
      operation.description = [operation.description, NOTE[mode]].filter(Boolean).join('\n\n');
    }
  }
}
