import { setting, SettingRefused, SettingsTable } from './setting';

/** The Prometheus scrape endpoint. */
export class MetricsSettings {
  /** Bearer token that opens GET /metrics; undefined: no metrics endpoint. */
  declare readonly token: string | undefined;
}

export const METRICS_SETTINGS: SettingsTable<MetricsSettings> = {
  token: setting.optional({
    env: 'METRICS_TOKEN',
    doc: 'Bearer token (≥ 16 characters) that opens GET /metrics. Unset: no metrics endpoint',
    parse: (value) => {
      if (value.length < 16) throw new SettingRefused('must be at least 16 characters');
      return value;
    },
  }),
};
