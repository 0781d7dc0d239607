import type { RequestHandler } from 'express';
import { match } from 'path-to-regexp';

/** A route Evolution v1 (1.8) called with another verb: served by the v2 route's handler, same status and body. */
export interface V1Alias {
  verb: 'PUT';
  path: string;
  serves: 'POST';
}

/** Every v1 verb we accept, in one place (Evolution compat §5). Paths are under SERVER_BASE_PATH. */
export const V1_ALIASES: readonly V1Alias[] = [
  ...['restart'].map((action) => `/instance/${action}/:instanceName`),
  ...['markMessageAsRead', 'archiveChat', 'markChatUnread', 'updateMessage', 'updateBlockStatus', 'updatePrivacySettings', 'updateProfilePicture'].map(
    (action) => `/chat/${action}/:instanceName`,
  ),
  ...['updateGroupSubject', 'updateGroupDescription', 'updateGroupPicture', 'updateParticipant', 'updateSetting', 'toggleEphemeral', 'revokeInviteCode'].map(
    (action) => `/group/${action}/:instanceName`,
  ),
].map((path) => ({ verb: 'PUT', path, serves: 'POST' }));

/**
 * Turns a v1 call into the v2 call it stands for before anything routes it (the edge's
 * authentication, body limits, Nest's router), so each alias needs no handler of its own. Paths
 * match the way the router matches them (case-insensitive, optional trailing slash).
 */
export function v1Aliases(basePath: string): RequestHandler {
  const table = V1_ALIASES.map((alias) => ({ alias, matches: match(`${basePath}${alias.path}`, { sensitive: false, end: true, trailing: true, decode: false }) }));
  return (req, _res, next) => {
    const hit = table.find(({ alias, matches }) => alias.verb === req.method && matches(req.path));
    if (hit) req.method = hit.alias.serves;
    next();
  };
}
