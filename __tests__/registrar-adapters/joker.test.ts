import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { JokerEmulator, startEmulator } from '../../testing/registrars/joker/emulator';
import { useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { runCli } from '../../testing/registrars/run-cli';
import { info } from '../../registrar-adapters/joker/info';
import { resolveEndpoint } from '../../registrar-adapters/core/environment';
import { parseReply } from '../../registrar-adapters/joker/reply';

describeRegistrarConformance({
  id: 'joker',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  // login, query-whois, logout.
  requestsPerRead: 3,
  authErrorPattern: /login: Status-Code 2200 Authentication error: Invalid credentials.*JOKER_API_KEY/,
});
