import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * INWX DomRobot JSON-RPC API (https://www.inwx.com/en/help/apidoc). One URL per system, the method
 * in the body: POST /jsonrpc/ (trailing slash included) at the origins below; the OT&E test system
 * is a separate system with separate accounts.
 */
export const info = loadRegistrarInfo(facts);
