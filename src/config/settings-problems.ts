import { InvalidSettingsError, loadSettings } from './settings';

/** The problems loadSettings lists for `env`, or none: what an operator reads at a refused boot. */
export function settingsProblems(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof InvalidSettingsError) return error.problems;
    throw error;
  }
  return [];
}
