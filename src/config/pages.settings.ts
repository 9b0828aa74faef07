import { setting, SettingsTable } from './setting';

/** The service's own pages (/sign-in, /verify-email, /reset-password, /accept-invitation, /account/security). */
export class PagesSettings {
  /** Whether the pages are served; off, their paths answer 404 like any unknown route. */
  declare readonly hosted: boolean;
}

export const PAGES_SETTINGS: SettingsTable<PagesSettings> = {
  hosted: {
    ...setting.boolean(
      'HOSTED_PAGES',
      false,
      "Serve the service's own pages (sign-in, verify-email, reset-password, accept-invitation, account/security), which email links reach when PUBLIC_URL is unset",
    ),
    // Computed from PUBLIC_URL in loadSettings: a deployment with a front end of its own turns them on explicitly.
    fallback: undefined,
    fallbackDoc: 'true when PUBLIC_URL is unset, else false',
  },
};
