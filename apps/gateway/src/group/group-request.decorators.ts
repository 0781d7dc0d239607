import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { badRequest } from '@gw/common';
import type { Request } from 'express';

/**
 * Evolution's shared request rules for /group routes (abstract.router.ts groupValidate,
 * inviteCodeValidate, getParticipantsValidate), with their exact 400 messages.
 */

function firstString(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** `120363…` or `120363…@g.us` (old `<creator>-<time>` ids too) -> the group JID; undefined when not a group id. */
export function toGroupJid(raw: string): string | undefined {
  const [user, server, ...rest] = raw.split('@');
  if (rest.length || (server !== undefined && server.toLowerCase() !== 'g.us')) return undefined;
  return /^\d+(-\d+)?$/.test(user) ? `${user}@g.us` : undefined;
}

export function groupJidOf(req: Pick<Request, 'body' | 'query'>): string {
  const raw = firstString((req.body as { groupJid?: unknown } | undefined)?.groupJid) ?? firstString(req.query?.groupJid);
  if (!raw) throw badRequest('The group id needs to be informed in the query', 'ex: "groupJid=120362@g.us"');
  const jid = toGroupJid(raw);
  if (!jid) throw badRequest(`groupJid must be a group id (digits, optionally ending in @g.us), got "${raw}"`);
  return jid;
}

const INVITE_CODE = /^[a-zA-Z0-9]{22}$/;
const INVITE_URL = /^(?:https?:\/\/)?chat\.whatsapp\.com\/(?:invite\/)?([a-zA-Z0-9]{22})\/?$/;

export function inviteCodeOf(req: Pick<Request, 'query'>): string {
  const raw = firstString(req.query?.inviteCode);
  if (!raw) {
    throw badRequest(
      'The group invite code id needs to be informed in the query',
      'ex: "inviteCode=F1EX5QZxO181L3TMVP31gY" (Obs.: Do not inform the URL, only the code).',
    );
  }
  // the whole link is a common mistake; its code is unambiguous, so take it
  const code = INVITE_URL.exec(raw)?.[1] ?? raw;
  if (!INVITE_CODE.test(code)) throw badRequest('inviteCode must be the 22 letters and digits of the invite link code');
  return code;
}

export function getParticipantsOf(req: Pick<Request, 'query'>): boolean {
  const raw = firstString(req.query?.getParticipants);
  if (!raw) throw badRequest('The getParticipants needs to be informed in the query');
  return raw.toLowerCase() === 'true';
}

const request = (ctx: ExecutionContext) => ctx.switchToHttp().getRequest<Request>();

/** The group the route acts on: `groupJid` from the body or the query, `@g.us` appended. */
export const GroupJid = createParamDecorator((_: unknown, ctx: ExecutionContext) => groupJidOf(request(ctx)));
/** `?inviteCode=` (the code, or the chat.whatsapp.com link it came from). */
export const InviteCode = createParamDecorator((_: unknown, ctx: ExecutionContext) => inviteCodeOf(request(ctx)));
/** `?getParticipants=true|false`, required like in Evolution. */
export const GetParticipants = createParamDecorator((_: unknown, ctx: ExecutionContext) => getParticipantsOf(request(ctx)));
