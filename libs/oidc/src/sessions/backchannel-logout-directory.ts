import type { ReadModelDatabase } from '#libs/eventsourcing';
import type { EServiceDirectory } from '../eservices/eservice-directory.js';
import { backchannelLogoutUriOf } from './backchannel-logouts.projection.js';

/**
 * The registry's clients with their back-channel logout URI, as oidc-provider needs it: with the URI (and
 * `sid` required) it puts `sid` in the ID tokens, which the logout tokens then name.
 */
export function withBackchannelLogout(
  directory: EServiceDirectory,
  readModels: ReadModelDatabase,
): EServiceDirectory {
  return {
    describe: (clientId) => directory.describe(clientId),
    async findClient(clientId) {
      const client = await directory.findClient(clientId);
      const uri = client && (await backchannelLogoutUriOf(readModels.db, clientId));
      return uri === undefined
        ? client
        : { ...client!, backchannel_logout_uri: uri, backchannel_logout_session_required: true };
    },
  };
}
