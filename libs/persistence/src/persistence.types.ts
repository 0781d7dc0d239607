export type { AuthCred, AuthKey, Instance, Setting, Webhook } from '../../../prisma/generated/client';
export { Prisma } from '../../../prisma/generated/client';
