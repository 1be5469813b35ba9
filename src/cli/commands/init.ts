import type { Register } from "../program.js";

// Placeholder until the command lands.
export const registerInitCommand: Register = () => {};
