import { type App, createApp } from '../app.ts';
import { loadConfig } from '../config.ts';

/** Runs a command against an app built from the environment, and closes it afterwards. */
export async function withApp<T>(run: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp(loadConfig());
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}
