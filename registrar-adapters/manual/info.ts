import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Registrars with no API (Squarespace, which took over Google Domains; Hover; any other):
 * nsbridge prints the exact steps and waits, bounded, until the delegation is seen in DNS.
 */
export const info = loadRegistrarInfo(facts);
