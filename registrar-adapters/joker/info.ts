import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Joker.com DMAPI (https://joker.com/faq/books/reseller-documentation-en/chapter/dmapi ,
 * https://dmapi.joker.com/docs/DMAPI-ext.txt): POST /request/<name> with form variables at the
 * origins below; OT&E (resellers) is a separate copy of the system.
 */
export const info = loadRegistrarInfo(facts);
