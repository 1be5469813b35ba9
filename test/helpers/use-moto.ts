import { afterAll, beforeAll, beforeEach } from "vitest";
import { motoEnv, startMoto, type Moto } from "./moto.js";
import { Seeder } from "./seed.js";

/** A running moto, a Seeder for it and the environment that points the CLI at it. */
export interface MotoWorld {
  moto: Moto;
  seed: Seeder;
  env: Record<string, string>;
}

/**
 * The moto lifecycle of an emulator-backed test file: started once for the file (it fails
 * loudly under CI when moto_server cannot be found), reset before each test, stopped after.
 * `receive` gets the world once it is up: `useMoto((w) => ({ moto, seed, env } = w))`.
 */
export function useMoto(receive: (world: MotoWorld) => void): void {
  let world: MotoWorld | undefined;
  beforeAll(async () => {
    const moto = await startMoto();
    world = { moto, seed: new Seeder(moto), env: motoEnv(moto) };
    receive(world);
  });
  afterAll(async () => {
    await world?.moto.stop();
  });
  beforeEach(async () => {
    await world!.moto.reset();
    world!.seed.forget();
  });
}
