import { parentPort, workerData } from 'node:worker_threads';
import { startHousingProvider } from '../apps/demo-consent/src/housing-provider.js';

/** The demo housing provider on its own thread, as another department's system would be. */
const { platformUrl, port } = workerData as { platformUrl: string; port: number };
const provider = await startHousingProvider({ platformUrl, providerId: 'housing-department', port });
parentPort!.postMessage(provider.url);
